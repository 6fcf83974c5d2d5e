EN = {
    "联席会议": "Joint meeting",
    "演示模式": "demo mode",
    "退出登录": "Log out",
    "语言": "Language",
}
