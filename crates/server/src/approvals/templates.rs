//! The demo approval templates seeded with the demo organisation: expense (报销), leave (请假)
//! and purchase (采购). The organisation's administrator is every template's fallback approver.

use weft_protocol::approval::{
    ApprovalMode, ApproverChain, ApproverSource, CompareOp, Condition, Control, ControlKind, DatePrecision, Decimal,
    SelectOption, StepTemplate, TemplateSpec,
};
use weft_protocol::auth::Role;
use weft_protocol::{DepartmentId, MemberId};

/// Who the demo chains name.
pub struct DemoPeople {
    pub admin: MemberId,
    /// The two finance members who approve large expenses (any one of them).
    pub finance: [MemberId; 2],
}

fn control(id: &str, title: &str, required: bool, kind: ControlKind) -> Control {
    Control { id: id.into(), title: title.into(), placeholder: String::new(), required, kind }
}

fn step(name: &str, approvers: ApproverSource, mode: ApprovalMode, condition: Option<Condition>) -> StepTemplate {
    StepTemplate { name: name.into(), approvers, mode, condition }
}

fn money() -> ControlKind {
    ControlKind::Money { currency: "CNY".into() }
}

/// The three demo templates.
pub fn demo_templates(people: &DemoPeople) -> Vec<TemplateSpec> {
    let over_10k = Condition::Compare {
        control_id: "amount".into(),
        op: CompareOp::Gt,
        value: Decimal { units: 1_000_000, scale: 2 },
    };
    vec![
        TemplateSpec {
            name: "报销 Expense".into(),
            icon: "expense".into(),
            description: "日常及差旅费用报销；超过 10,000.00 元需财务审批。Expenses over 10,000.00 also go to finance."
                .into(),
            controls: vec![
                control("amount", "金额 Amount", true, money()),
                control("reason", "事由 Reason", true, ControlKind::Textarea),
                control("date", "日期 Date", true, ControlKind::Date { precision: DatePrecision::Day }),
                control("receipts", "附件 Receipts", false, ControlKind::File),
            ],
            chain: ApproverChain {
                steps: vec![
                    step("直属上级 Direct leader", ApproverSource::DirectLeader, ApprovalMode::AnyOne, None),
                    step(
                        "财务 Finance",
                        ApproverSource::Members { members: people.finance.to_vec() },
                        ApprovalMode::AnyOne,
                        Some(over_10k),
                    ),
                ],
                cc_on_submit: vec![],
                cc_on_completion: vec![ApproverSource::LeaderOf { department_id: DepartmentId::from("finance") }],
                fallback_approver: people.admin,
            },
        },
        TemplateSpec {
            name: "请假 Leave".into(),
            icon: "leave".into(),
            description: "请假申请，由部门负责人审批。Leave requests, approved by the department's leader.".into(),
            controls: vec![
                control(
                    "type",
                    "假期类型 Leave type",
                    true,
                    ControlKind::Selector {
                        multi: false,
                        options: [("annual", "年假 Annual"), ("sick", "病假 Sick"), ("personal", "事假 Personal")]
                            .into_iter()
                            .map(|(id, label)| SelectOption { id: id.into(), label: label.into() })
                            .collect(),
                    },
                ),
                control("period", "时间 Period", true, ControlKind::DateRange { precision: DatePrecision::Day }),
                control("note", "备注 Note", false, ControlKind::Textarea),
            ],
            chain: ApproverChain {
                steps: vec![step(
                    "部门负责人 Department leader",
                    ApproverSource::DepartmentLeader { level: 1 },
                    ApprovalMode::AnyOne,
                    None,
                )],
                cc_on_submit: vec![],
                cc_on_completion: vec![],
                fallback_approver: people.admin,
            },
        },
        TemplateSpec {
            name: "采购 Purchase".into(),
            icon: "purchase".into(),
            description: "办公用品和设备采购。Office supplies and equipment.".into(),
            controls: vec![control(
                "items",
                "明细 Items",
                true,
                ControlKind::Table {
                    columns: vec![
                        control("name", "名称 Name", true, ControlKind::Text),
                        control(
                            "qty",
                            "数量 Quantity",
                            true,
                            ControlKind::Number {
                                min: Some(Decimal { units: 1, scale: 0 }),
                                max: Some(Decimal { units: 10_000, scale: 0 }),
                                decimals: 0,
                            },
                        ),
                        control("price", "单价 Unit price", true, money()),
                    ],
                },
            )],
            chain: ApproverChain {
                steps: vec![
                    step("直属上级 Direct leader", ApproverSource::DirectLeader, ApprovalMode::AnyOne, None),
                    step("行政 Administration", ApproverSource::Role { role: Role::Admin }, ApprovalMode::AnyOne, None),
                ],
                cc_on_submit: vec![],
                cc_on_completion: vec![],
                fallback_approver: people.admin,
            },
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;
    use weft_protocol::approval::validate_template;

    #[test]
    fn the_demo_templates_pass_the_template_checks() {
        let m = |n| MemberId(Uuid::from_u128(n));
        for spec in demo_templates(&DemoPeople { admin: m(1), finance: [m(2), m(3)] }) {
            assert_eq!(validate_template(&spec), Ok(()), "{}", spec.name);
        }
    }
}
