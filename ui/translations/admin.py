"""English for the administration pages (users, agencies, calendar, rule settings) and the
audit trail."""
EN = {
    # menu
    "管理": "Administration",
    "用户管理": "Users",
    "成员单位": "Member agencies",
    "工作日历": "Working-day calendar",
    "规则参数": "Rule settings",
    "操作日志": "Audit trail",
    # shared
    "启用": "Active",
    "已停用": "Deactivated",
    "（已停用）": " (deactivated)",
    "（无）": "(none)",
    "状态": "Status",
    "语言": "Language",
    "保存修改": "Save changes",
    "请选择单位": "Choose an agency",
    # users
    "共 {n} 个账户；停用的账户保留在操作日志中，不会删除。":
        "{n} accounts. Deactivated accounts stay in the audit trail; none is ever deleted.",
    "锁定至 {at}": "Locked until {at}",
    "新建用户": "New user",
    "修改用户": "Edit a user",
    "选择用户": "User",
    "请选择用户": "Choose a user",
    "初始密码": "Initial password",
    "登录时使用，不能含空格": "Used to sign in; no spaces",
    "至少6位；请当面或电话告知本人": "At least 6 characters; tell the person in person or by phone",
    "成员单位负责人和联络员必须选择所属单位": "Agency heads and clerks must belong to an agency",
    "创建用户": "Create user",
    "已创建用户 {u}（{r}），可以用初始密码登录。": "Created user {u} ({r}); they can sign in with the initial password.",
    "角色与单位": "Role and agency",
    "已修改用户 {u}。": "Saved user {u}.",
    "重置后该用户在所有设备上退出登录，锁定同时解除。":
        "A reset signs the user out on every device and lifts any lock.",
    "重置密码": "Reset password",
    "已重置 {u} 的密码。": "Reset the password of {u}.",
    "停用后该用户不能再登录（已登录的会话在下一次操作时退出），历史记录保留。":
        "A deactivated user cannot sign in (open sessions end at their next click); their history stays.",
    "停用该用户": "Deactivate this user",
    "已停用用户 {u}。": "Deactivated user {u}.",
    "启用该用户（并解除锁定）": "Reactivate this user (and lift any lock)",
    "已启用用户 {u}。": "Reactivated user {u}.",
    # agencies
    "共 {n} 个单位，其中启用 {m} 个。停用的单位保留全部历史，但不能在表单中选择。":
        "{n} agencies, {m} active. A deactivated agency keeps all its history but cannot be chosen in forms.",
    "新增单位": "Add an agency",
    "修改单位": "Edit an agency",
    "选择单位": "Agency",
    "简称": "Short name",
    "单位类型": "Kind",
    "联系人": "Contact person",
    "联系电话": "Phone",
    "位置": "Location",
    "启用账户": "Active accounts",
    "经度": "Longitude",
    "纬度": "Latitude",
    "镇街需填写位置，地图才能显示": "Towns need a location to appear on the map",
    "已新增单位“{name}”。": "Added the agency “{name}”.",
    "已保存单位“{name}”。": "Saved the agency “{name}”.",
    "停用后该单位不能在表单中选择，历史记录全部保留；其账户不受影响，可在用户管理中停用。":
        "A deactivated agency can no longer be chosen in forms and keeps all its history;"
        " its accounts are not affected (deactivate them under Users).",
    "停用该单位": "Deactivate this agency",
    "已停用单位“{name}”（仍有 {n} 个启用的账户）。": "Deactivated “{name}” ({n} of its accounts are still active).",
    "重新启用该单位": "Reactivate this agency",
    "已重新启用单位“{name}”。": "Reactivated “{name}”.",
    "删除（仅限误录入、没有任何记录的单位）": "Delete (only an agency entered by mistake, with no records at all)",
    "确认删除“{name}”": "Yes, delete “{name}”",
    "删除该单位": "Delete this agency",
    "已删除单位“{name}”。": "Deleted the agency “{name}”.",
    # calendar
    "期限按国务院公布的放假安排（含调休）计算。尚未公布安排的年份只计法定节假日，期限标为“暂定”；"
    "安排公布后请在此录入并确认，系统会重新计算受影响的期限。":
        "Time limits follow the State Council's holiday arrangement (with make-up working days)."
        " For a year not yet published only the statutory holidays count and due dates are marked"
        " provisional; once the arrangement is out, enter and confirm it here and the affected"
        " due dates are recomputed.",
    "官方安排（已随系统发布）": "Official (shipped with the product)",
    "官方安排（办公室已录入确认）": "Official (entered and confirmed by the office)",
    "暂定（仅法定节假日）": "Provisional (statutory holidays only)",
    "年份": "Year",
    "来源": "Source",
    "录入的休息日": "Rest days entered",
    "录入的调休上班日": "Make-up working days entered",
    "确认人": "Confirmed by",
    "录入哪一年的安排": "Year to enter",
    "{y} 年法定节假日（参考）": "Statutory holidays of {y} (for reference)",
    "国务院的安排会在法定节假日之外增加调休休息日，并指定周末调休上班日。":
        "The State Council's arrangement adds bridging rest days to the statutory holidays and"
        " names weekend days to be worked instead.",
    "{y} 年的官方安排已随系统发布（holidays 库）。只有需要更正时才在此录入：录入的日期优先。":
        "The official arrangement for {y} ships with the product (holidays library). Enter dates"
        " here only to correct it: what you enter wins.",
    "休息日（含调休放假，每行一个日期或日期段）": "Rest days (including bridging days; one date or range per line)",
    "调休上班日（周末上班，每行一个日期）": "Make-up working days (weekend days worked; one date per line)",
    "例如 2027-02-05~2027-02-11；也可用逗号分隔": "For example 2027-02-05~2027-02-11; commas work too",
    "例如 2027-02-14": "For example 2027-02-14",
    "这是国务院正式公布的安排（确认后该年期限不再标为“暂定”）":
        "This is the State Council's published arrangement (the year's due dates stop being provisional)",
    "依据（文件名称）": "Source document",
    "国务院办公厅关于{y}年部分节假日安排的通知": "State Council notice on the {y} holiday arrangement",
    "保存并重新计算期限": "Save and recompute due dates",
    "已保存 {y} 年安排：休息日 {r} 天，调休上班 {w} 天；重新计算了 {a} 条移送、{b} 条协作请求的期限。":
        "Saved {y}: {r} rest days, {w} make-up working days; recomputed the due dates of"
        " {a} referrals and {b} assistance requests.",
    "{y} 年安排没有变化。": "Nothing changed for {y}.",
    # settings
    "默认值取自文件规定。修改期限类参数后，系统会按新参数重新计算所有已存的期限（含历史记录）。":
        "Defaults are the figures of the governing documents. Changing a time limit recomputes"
        " every stored due date (history included) with the new value.",
    "默认值：{d}": "Default: {d}",
    "；由 {who} 于 {at} 修改": "; changed by {who} on {at}",
    "参数没有变化。": "Nothing changed.",
    "已保存：{c}。": "Saved: {c}.",
    "重新计算了 {a} 条移送、{b} 条协作请求的期限。": "Recomputed the due dates of {a} referrals and {b} assistance requests.",
    "已修改的参数：": "Changed settings: ",
    "默认": "default",
    "全部恢复默认值": "Restore all defaults",
    # audit trail
    "每一次修改都记录操作人、时间、对象和修改前后的内容（全过程留痕），与修改在同一事务中写入。":
        "Every change records who, when, what and the values before and after, written in the"
        " same transaction as the change.",
    "用户": "User",
    "单位": "Agency",
    "对象": "Object",
    "日期范围": "Dates",
    "全部": "All",
    "共 **{n}** 条记录": "**{n}** entries",
    "操作": "Action",
    "对象编号": "Object id",
    "修改内容": "Changes",
    "上一页": "Previous",
    "下一页": "Next",
    "第 {p} / {n} 页": "Page {p} of {n}",
    "修改详情": "Change details",
    "修改前": "Before",
    "修改后": "After",
    "点选一行查看修改前后的完整内容。": "Select a row to see the full values before and after.",
    "导出 CSV": "Export CSV",
    "导出 Excel": "Export Excel",
}
