"""English for the login page, the sidebar's account box and the demo-mode banner."""
EN = {
    "联席会议工作平台": "Joint Meeting Platform",
    "乡镇综合行政执法 · 部门协同联席会议": "Township comprehensive enforcement · inter-agency joint meeting",
    "登录": "Sign in",
    "用户名": "Username",
    "密码": "Password",
    "演示账户（密码均为 demo123）": "Demo accounts (password demo123 for all)",
    "数据库中还没有账户：请运行 python -m data_access seed 载入示例数据。":
        "The database has no accounts yet: run python -m data_access seed to load the sample data.",
    "示例数据，示例账户密码均为 demo123，请勿录入真实案件":
        "sample data; every sample account's password is demo123; do not enter real cases",
    "正式使用请配置密钥（见 docs/login.md）。": "For real use, configure the secrets (see docs/login.md).",
    "修改密码": "Change password",
    "原密码": "Current password",
    "新密码": "New password",
    "再次输入新密码": "New password again",
    "保存": "Save",
    "两次输入的新密码不一致。": "The two new passwords differ.",
    "密码已修改。其他设备上的登录已失效，刷新页面后请用新密码登录。":
        "Password changed. Sign-ins on other devices have ended; after a reload, sign in with the new password.",
    "姓名": "Name",
    "角色": "Role",
    "所属单位": "Agency",
    "数据库为只读：可以查看，保存功能已关闭。": "The database is read-only: you can read; saving is off.",
}
