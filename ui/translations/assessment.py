"""English for the assessment: ranking, definitions, the published report (通报)."""

EN = {
    # report columns (CONTRACT.md's Chinese headers)
    "按时移送率": "Sent on time (%)",
    "接收移送数": "Referrals received",
    "受理告知用时中位数": "Median working days to acknowledge",
    "已反馈办理结果数": "Results reported",
    "协作请求按时答复率": "Assistance answered on time (%)",
    "涉及职责争议数": "Disputes involved in",
    "已解决争议数": "Disputes resolved",
    "议定事项按时完成率": "Decisions done on time (%)",
    "评分": "Score",
    "考核件数": "Judged items",
    # metrics page
    "{k}第{r}名 / 共{n}个参评单位": "{k}: place {r} of {n} ranked",
    "样本不足（考核{j}件，少于{m}件），不参与排名": "Too few to judge ({j} items, fewer than {m}): not ranked",
    "评分方法：{m}。各项满分：{items}（合计{total}分）；每起超期扣{c}分，每项扣完为止；没有需评价事项的项目得满分。":
        "Scoring: {m}. Full marks: {items} (total {total}); {c} points off per late case, each item down "
        "to 0 at most; an item with nothing to judge keeps its full marks.",
    "评分方法：{m}。评分 = 各项按时率按权重（{items}）加权平均 × 100；没有需评价事项的比率不计入。":
        "Scoring: {m}. Score = the on-time rates averaged with weights ({items}) × 100; a rate with "
        "nothing to judge is left out.",
    "镇街、部门分别排名，同分同名次；考核件数少于{n}件的单位列为“样本不足”，不参与排名；牵头单位和司法机关不参与排名。评分方法由联席会议办公室在“规则参数”中设定。":
        "Towns and departments are ranked apart; equal scores share a place; an agency with fewer than "
        "{n} judged items is listed as too few to judge and not ranked; the coordinator and judicial "
        "bodies are not ranked. The office sets the scoring on the rule settings page.",
    "{k}排名": "Ranking: {k}",
    "与上期名次相比上升（正）或下降（负）的位次。": "Places gained (positive) or lost (negative) since the previous period.",
    # overview
    "本期没有可排名的成员单位。": "No agency has enough judged items to be ranked in this period.",
    "前五名（含并列）": "Top five (ties included)",
    "后五名（含并列）": "Bottom five (ties included)",
    "评分口径与“成员单位指标”页相同（{m}）；镇街、部门分别排名，同分同名次。":
        "Scored as on the agency metrics page ({m}); towns and departments ranked apart, ties share a place.",
    "样本不足、不参与排名：{names}。": " Too few to judge, not ranked: {names}.",
    # settings page
    "考核评分与排名": "Assessment: scoring and ranking",
    "默认按百分制扣分：各项满分（按时移送20、按时受理告知30、协作请求按时答复20、议定事项按时完成20、职责争议处理10），每起超期扣2分，每项扣完为止；也可改为各项按时率加权平均。考核件数少于最少件数的单位列为“样本不足”，不参与排名。":
        "By default 100 points with deductions: full marks per item (sending on time 20, acknowledging "
        "on time 30, assistance answered on time 20, decisions done on time 20, dispute handling 10), "
        "2 points off per late case until the item is used up; or a weighted average of the on-time "
        "rates. An agency with fewer judged items than the minimum is listed as too few to judge.",
    # agency page
    "已移送给本单位、截至今天尚未书面告知受理情况的移送案件数。":
        "Referrals sent to the agency and not yet answered in writing today.",
    "其中已过受理告知期限的件数。": "Of those, the ones past the acknowledgement limit.",
    "向本单位提出、截至今天尚未答复的协作请求数。": "Assistance requests to the agency not yet answered today.",
    "本单位牵头或参与、尚未完成的议定事项数。": "Open decisions the agency leads or shares.",
    "本单位移送、对方截至今天尚未书面告知受理情况的案件数。":
        "Referrals the agency sent that the receiver has not yet answered in writing today.",
    # the published report (通报)
    "工作通报": "Published reports",
    "{title}（数据截至 {d}）": "{title} (figures as of {d})",
    "本期反馈办理结果": "Results reported",
    "超期未受理告知件数": "Acknowledgements overdue",
    "红色名单": "Red list",
    "逾期议定事项": "Decisions overdue",
    "统计期间内各单位的移送次数（按移送日期；退回后再次移送计为新的一次）。":
        "Sendings by all agencies in the period (by the day sent; a re-send after a return is a new sending).",
    "统计期间内反馈办理结果的件数（按反馈日期）。": "Results reported in the period (by the day reported).",
    "截至统计日已过受理告知期限仍未书面告知的移送案件数。":
        "Referrals past their acknowledgement limit and still unanswered on the day shown.",
    "其中超期{n}天及以上的件数，列入通报红色名单。": "Of those, the ones {n} or more days late: the report's red list.",
    "截至统计日已过完成期限仍未完成的议定事项数。": "Decisions past their due date and not done on the day shown.",
    "通报预览": "Preview",
    "红色名单（超期{n}天及以上未受理告知）": "Red list (acknowledgement {n} or more days late)",
    "逾期未完成的议定事项": "Decisions overdue",
    "对此前通报的更正（{n}项）": "Corrections to earlier reports ({n})",
    "下载通报预览（Word）": "Download the preview (Word)",
    "发布通报": "Publish",
    "发布后通报内容即固定，不再修改；此后补录的数据如改变已发布期间的数字，将作为更正列入下一期通报。":
        "Once published the report never changes; a later entry that changes a published period's "
        "figures is listed as a correction on the next report.",
    "发布{p}通报": "Publish the report of {p}",
    "已发布 {title}（{n}）。": "Published {title} ({n}).",
    "已发布的通报": "Published reports",
    "尚未发布通报。": "No report has been published yet.",
    "{who} 于 {at} 发布": "published by {who} on {at}",
    "含更正{n}项": "{n} correction(s)",
    "下载": "Download",
    "原通报": "Report corrected",
    "指标": "Figure",
    "原数": "Was",
    "更正后": "Now",
    "已过受理告知期限、截至统计日仍未书面告知的件数。": "Past the acknowledgement limit and still unanswered on the day shown.",
    "截至统计日处于受理告知期限最后一个工作日的件数。": "On the last working day of the acknowledgement limit on the day shown.",
    "距受理告知期限还有一个工作日以上的件数。": "More than one working day left to acknowledge.",
    "该单位超期最久的一件自期限届满至统计日的天数。": "Days from the limit to the day shown for the agency's longest-overdue referral.",
}
