"""English for the labels of who-sees-what (read scopes) and the overdue-age split."""

EN = {
    "超期{n}天以上": "{n}+ days late",
    "超期不足{n}天": "Under {n} days late",
    "您的角色只能查看汇总数字，不显示案件明细。": "Your role sees the figures only, not the cases behind them.",
    "本单位没有超期未受理告知的移送案件；其他单位的案件明细不对本单位显示。":
        "Your agency has no overdue acknowledgements; other agencies' cases are not shown to your agency.",
    "显示本单位为当事方的争议。": "Showing the disputes your agency is a party to.",
}
