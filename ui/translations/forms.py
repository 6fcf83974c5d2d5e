"""English for the data-entry forms and the ledger import (录入)."""

EN = {
    # menu
    "录入": "Data entry",
    "新建移送": "New referral",
    "移送办理": "Referral handling",
    "执法协作": "Assistance requests",
    "职责争议登记": "Dispute entry",
    "职责争议": "Jurisdiction disputes",
    "联合执法": "Joint operations",
    "导入台账": "Import ledgers",
    # shared
    "保存": "Save",
    "提交": "Submit",
    "取消": "Cancel",
    "状态": "Status",
    "日期": "Date",
    "备注": "Note",
    "期限": "due",
    "暂定": "provisional",
    "自": "since",
    "办理事项": "Action",
    "请选择单位": "Choose an agency",
    "请选择领域": "Choose a domain",
    "（本单位）": "(your agency)",
    "最多 {n} 个字": "At most {n} characters",
    "表单版本 v{version}": "Form version v{version}",
    "；最后修改：{who}，{at}": "; last changed by {who} at {at}",
    "重新载入最新内容": "Reload the latest version",
    "不是重复，仍然保存": "Not a duplicate: save anyway",
    "可能重复：以下移送案件名称相同、单位相同，且日期相差不到7天。请核对后再保存。": (
        "Possible duplicate: these referrals have the same title, the same two agencies and dates "
        "less than 7 days apart. Check before saving."
    ),
    # new referral
    "您的角色不能登记移送案件。": "Your role cannot register referrals.",
    "案件名称": "Case title",
    "移送单位": "Referring agency",
    "接收单位": "Receiving agency",
    "违法领域": "Enforcement domain",
    "审批负责人": "Approved by (agency head)",
    "移送须经本单位负责人书面批准：填写批准的负责人姓名": (
        "A referral needs the written approval of the agency head: enter who approved it"
    ),
    "发现日期": "Date discovered",
    "发现时间（紧急案件填写）": "Time discovered (urgent cases)",
    "紧急程度": "Urgency",
    "紧急案件应在发现后24小时内移送": "An urgent case must be referred within 24 hours of discovery",
    "已事先告知延期（移送期限最长10个工作日）": "Extension notified in advance (up to 10 working days to refer)",
    "涉嫌犯罪，移送公安/司法机关（3日内受理）": (
        "Suspected crime, transferred to police / judiciary (to be accepted within 3 days)"
    ),
    "**移送材料**": "**Materials attached**",
    "保存方式": "Save as",
    "已移送（登记移送日期）": "Sent (enter the date sent)",
    "先存为草稿": "Draft, to send later",
    "移送日期": "Date sent",
    "移送时间（紧急案件填写）": "Time sent (urgent cases)",
    "已登记移送案件 {number}：{title}（{sender} → {receiver}），状态：{status}。可以继续登记下一件。": (
        "Referral {number} registered: {title} ({sender} → {receiver}), status: {status}. "
        "You can enter the next one."
    ),
    # referral handling
    "您的角色不能办理移送案件。": "Your role cannot handle referrals.",
    "按编号或案件名称查找": "Find by number or title",
    "没有等待本单位办理的移送案件。": "No referrals are waiting on your agency.",
    "选择移送案件": "Choose a referral",
    "受理告知期限": "Acknowledgement due",
    "受理告知日期": "Acknowledgement date",
    "结果反馈日期": "Result date",
    "受理/退回理由": "Reason given",
    "办理记录": "History",
    "此案件在您打开后已被他人修改，保存将被拒绝；请点“重新载入最新内容”。": (
        "Someone else changed this referral after you opened it; a save will be refused. "
        "Click “Reload the latest version”."
    ),
    "当前状态可以：{steps}": "From its current status it can become: {steps}",
    "该案件已办结，不能再变更。": "This referral is closed; it cannot change any more.",
    "受理告知": "Acknowledge",
    "反馈办理结果": "Report the result",
    "办结": "Close",
    "移送草稿": "Send the draft",
    "修改后重新移送": "Revise and send again",
    "受理结果": "Outcome",
    "理由（不予受理或退回时必填）": "Reason (required when declining or returning)",
    "办理结果": "Result",
    "办结日期": "Closing date",
    "修改说明": "What was changed",
    "移送案件 {number} 已保存：{status}（版本 v{version}）。": "Referral {number} saved: {status} (version v{version}).",
    # assistance
    "您的角色不能登记执法协作。": "Your role cannot register assistance requests.",
    "提出协作请求": "Request assistance",
    "答复与延期": "Answer or extend",
    "协作类型": "Kind of help",
    "协作事项": "Subject",
    "请求单位": "Requesting agency",
    "被请求单位": "Agency asked",
    "请求日期": "Date requested",
    "被请求单位应在3个工作日内书面答复；需要技术鉴定的可以延期。": (
        "The agency asked must answer in writing within 3 working days; it may extend the limit for "
        "a technical appraisal."
    ),
    "提交请求": "Submit the request",
    "已登记协作请求 {number}：{subject}。": "Assistance request {number} registered: {subject}.",
    "没有等待本单位答复的协作请求。": "No assistance requests are waiting for your agency's answer.",
    "选择协作请求": "Choose a request",
    "答复期限": "Answer due",
    "已延期": "extended",
    "书面答复": "Written answer",
    "因技术鉴定延期": "Extend for a technical appraisal",
    "答复日期": "Date answered",
    "答复内容": "Answer",
    "延期理由": "Reason for the extension",
    "协作请求 {number} 已保存：{status}。": "Assistance request {number} saved: {status}.",
    # disputes
    "您的角色不能登记职责争议。": "Your role cannot register disputes.",
    "提出争议": "Raise a dispute",
    "推进与结案": "Advance or resolve",
    "争议事项": "Subject",
    "争议类型": "Kind of dispute",
    "争议各方（至少两个单位）": "Parties (at least two agencies)",
    "争议各方": "Parties",
    "情况说明": "Description",
    "关联移送编号（可不填）": "Linked referral number (optional)",
    "关联移送": "linked referral",
    "先行处置单位（可不填）": "Interim handler (optional)",
    "先行处置单位": "Interim handler",
    "提出日期": "Date raised",
    "争议处理先由相关单位协同处置，再依次经协商、司法局协调、书面建议、政府裁决。": (
        "A dispute is first handled jointly, then goes through negotiation, coordination by the "
        "justice bureau, a written recommendation and a government ruling."
    ),
    "提交争议": "Submit the dispute",
    "已登记职责争议 {number}：{subject}，当前阶段：{status}。": "Dispute {number} registered: {subject}; stage: {status}.",
    "没有本单位参与的未解决争议。": "No open disputes involve your agency.",
    "选择争议": "Choose a dispute",
    "当前阶段": "Current stage",
    "进入下一阶段": "Move to the next stage",
    "登记先行处置单位": "Record the interim handler",
    "结案": "Resolve",
    "下一阶段：{stage}": "Next stage: {stage}",
    "进入新阶段日期": "Date of the new stage",
    "阶段说明（为什么进入下一阶段）": "Note (why it moves on)",
    "提请联席会议研究": "Put it before the joint meeting",
    "解决日期": "Date resolved",
    "处理结果": "Outcome",
    "确定的责任单位": "Agency found responsible",
    "职责争议 {number} 已保存：{stage}。": "Dispute {number} saved: {stage}.",
    # operations
    "您的角色不能登记联合执法行动。": "Your role cannot register joint operations.",
    "发起联合执法": "Start a joint operation",
    "审批与实施": "Decide and carry out",
    "行动名称": "Operation title",
    "启动方式": "How it is started",
    "专项启动须在行动开始3日前提出申请，办公室在收到申请之日起2日内作出决定；应急启动立即实施，被通知单位当日派员。": (
        "A special operation must be applied for at least 3 days before it starts, and the office "
        "decides within 2 days of the application; an emergency operation starts at once and the "
        "agencies asked turn out the same day."
    ),
    "牵头单位": "Lead agency",
    "参与单位": "Participating agencies",
    "申请日期": "Date applied",
    "开始日期": "Start date",
    "结束日期（可不填）": "End date (optional)",
    "已登记联合执法行动 {number}：{title}，状态：{status}。": "Joint operation {number} registered: {title}; status: {status}.",
    "没有待审批或正在实施的联合执法行动。": "No joint operations await a decision or are under way.",
    "选择行动": "Choose an operation",
    "审批期限": "Decision due",
    "审批": "Decide",
    "开始实施": "Start",
    "结束并登记成效": "Finish and record the outcome",
    "审批结果": "Decision",
    "批准": "Approve",
    "不予批准": "Reject",
    "审批日期": "Date decided",
    "行动成效": "Outcome",
    "联合执法行动 {number} 已保存：{status}。": "Joint operation {number} saved: {status}.",
    # import
    "只有联席会议办公室可以导入台账。": "Only the joint meeting office can import ledgers.",
    "台账类型": "Ledger",
    "移送台账": "Referrals",
    "成员单位": "Member agencies",
    "列名用中文（也接受英文列名）；日期写成“年-月-日”，如 2026-11-30；是/否列填“是”或“否”。单位必须已登记。同一编号（或单位名称）再次导入会更新原记录，不会重复。": (
        "Headers in Chinese (English names are accepted too); dates as YYYY-MM-DD; yes/no columns "
        "take 是 or 否. Agencies must already be registered. Importing the same number (or agency "
        "name) again updates the record; nothing is duplicated."
    ),
    "下载空白模板": "Download an empty template",
    "上传台账文件（CSV 或 XLSX）": "Upload a ledger (CSV or XLSX)",
    "文件行数": "Rows in the file",
    "读取的是工作表“{s}”（共 {n} 个工作表）。": "Read the sheet “{s}” (the workbook has {n} sheets).",
    "将新增": "To create",
    "将更新": "To update",
    "有错误的行": "Rows with errors",
    "第{line}行": "Line {line}",
    "发现 {n} 处错误，涉及 {m} 行。整个文件不会导入：请在原文件中改正后重新上传。": (
        "{n} problem(s) in {m} row(s). Nothing in the file will be imported: correct the file and "
        "upload it again."
    ),
    "行号": "Line",
    "列": "Column",
    "问题": "Problem",
    "检查通过：共 {n} 行，可以导入。": "All {n} rows passed the checks and can be imported.",
    "移送编号": "Referral number",
    "已有记录": "Existing record",
    "新增": "new",
    "更新": "update",
    "单位名称": "Agency name",
    "单位类型": "Kind",
    "仅显示前 {n} 行。": "Only the first {n} rows are shown.",
    "全部导入（{n} 行）": "Import all ({n} rows)",
    "正在导入…": "Importing…",
}
