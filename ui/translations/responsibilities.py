"""English for the responsibility list, routing by it, attachments and generated papers."""

EN = {
    "权责清单": "Responsibility list",
    "权责清单决定违法行为由哪个单位处理：移送时据此选择接收单位，职责争议的裁决写回清单。":
        "The list decides which agency acts on a violation: referrals are routed by it, and rulings on"
        " disputes are written back into it.",
    "事项名称或编码（空格分隔多个关键字）": "Matter or code (several words separated by spaces)",
    "法律依据包含": "Legal basis contains",
    "只看经裁决确定的事项": "Only entries settled by a ruling",
    "共 {total} 项": "{total} entries",
    "（显示前 {n} 项）": " (the first {n} shown)",
    "{number} 裁决（{day}）": "ruling on {number} ({day})",
    "事项编码": "Code",
    "事项名称": "Matter",
    "划转部门": "Handing-down department",
    "法律依据": "Legal basis",
    "裁决确定": "Settled by ruling",
    "移送案件按事项统计": "Referrals by matter",
    "（未选事项）": "(no matter chosen)",
    "事项": "Matter",
    "移送件数": "Referrals",
    "未按清单移送": "Sent against the list",
    "导出权责清单（Excel）": "Export the list (Excel)",
    "修改清单（联席会议办公室）": "Edit the list (joint meeting office)",
    "修改事项": "Edit an entry",
    "新增事项": "Add an entry",
    "导入清单": "Import the list",
    "先在上方查到要修改的事项。": "First find the entry to edit with the search above.",
    "要修改的事项": "Entry to edit",
    "有效（取消勾选则停用该事项）": "Active (untick to retire the entry)",
    "该事项经 {number} 裁决确定（{day}）；改变责任单位将不再引用该裁决。":
        "This entry was settled by the ruling on {number} ({day}); changing its agency drops that citation.",
    "已保存事项：{matter}。": "Saved the entry: {matter}.",
    "修改记录": "History of changes",
    "事项编码（可不填）": "Code (optional)",
    "新增": "Add",
    "已新增事项：{matter}。": "Added the entry: {matter}.",
    "只有联席会议办公室可以导入权责清单。": "Only the joint meeting office may import the list.",
    "列：事项名称、责任单位（必填）、违法领域、事项编码、划转部门、法律依据。有事项编码的按编码更新，没有的按“事项名称+责任单位”更新；有任何错误行则不导入。":
        "Columns: 事项名称 (matter), 责任单位 (agency) (both required), 违法领域, 事项编码, 划转部门, 法律依据."
        " Rows with a code update by code, others by matter and agency; any bad row stops the import.",
    "上传权责清单（CSV 或 XLSX）": "Upload the list (CSV or XLSX)",
    "导入": "Import",
    "行号": "Line",
    "列": "Column",
    "问题": "Problem",
    "事项（权责清单）": "Matter (responsibility list)",
    "输入事项名称的一部分查找（可不选）": "Type part of the matter's name (optional)",
    "权责清单：该事项由 {agency} 负责。": "The responsibility list: {agency} holds this matter.",
    "不按清单移送的理由（接收单位与清单不一致时必填）":
        "Reason for sending against the list (required when the receiver differs from the list)",
}
