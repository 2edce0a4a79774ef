//! The demo's call scripts and survey templates (话术库, 满意度问卷), written from DOMAIN.md
//! "Scripts" and the follow-up handbooks in the seeds. They are a framework to speak from,
//! not a text to read out; every step offers wording for a VIP, an elderly and an angry
//! customer where it should differ.

use huifang_domain::VisitType;
use huifang_domain::script::{Audience, Script, ScriptStep, StepKind};
use huifang_domain::survey::{Condition, ConditionTest, Question, QuestionKind, Survey};
use uuid::Uuid;

use Audience::{Angry, Elderly, Standard, Vip};

fn step(key: &str, kind: StepKind, goal: &str, variants: &[(Audience, &str)]) -> ScriptStep {
    ScriptStep {
        key: key.to_owned(),
        kind,
        goal: goal.to_owned(),
        variants: variants
            .iter()
            .map(|(a, t)| (*a, (*t).to_owned()))
            .collect(),
    }
}

fn identity() -> ScriptStep {
    step(
        "identity",
        StepKind::IdentityCheck,
        "核实身份,说明用途",
        &[
            (
                Standard,
                "为保证信息安全,能否请您提供一下注册手机号或订单号的后四位?我们仅用于身份验证,请您放心。",
            ),
            (
                Elderly,
                "为了确认是您本人,麻烦您说一下手机号最后四位数字就行。这只是核对身份用的,您放心。",
            ),
            (
                Angry,
                "耽误您几秒钟,按规定需要核对一下手机号后四位,核对完我马上跟进您的问题。",
            ),
        ],
    )
}

fn complaint(id: Uuid) -> Script {
    use StepKind::*;
    Script {
        id,
        version: 1,
        visit_type: VisitType::Complaint,
        title: "投诉回访".to_owned(),
        steps: vec![
            step(
                "opening",
                Opening,
                "问候,说明来意,征得同意",
                &[
                    (
                        Standard,
                        "您好,这里是{company}客服中心,我是客服{agent_no},很高兴为您服务。想就您之前反映的问题做个回访,耽误您几分钟可以吗?",
                    ),
                    (
                        Vip,
                        "尊敬的{customer_name},您好!感谢您一直以来对{company}的支持。我是客服{agent_no},想就您之前反映的问题向您做个回访,请问现在方便吗?",
                    ),
                    (
                        Elderly,
                        "{customer_name}您好!我是{company}的客服,工号{agent_no}。上次您跟我们说的事,我打电话来问问现在怎么样了,您现在方便说话吗?",
                    ),
                    (
                        Angry,
                        "{customer_name}您好,我是{company}客服{agent_no}。上次的事给您添麻烦了,这次我专门来跟进,您先说,我认真听。",
                    ),
                ],
            ),
            identity(),
            step(
                "open_question",
                OpenQuestion,
                "让客户说完,不打断;记下原话,不确定的地方追问",
                &[
                    (
                        Standard,
                        "上次您反映的{product}的问题,现在情况怎么样了?能具体说说吗?(澄清:您提到的“还是不好用”,具体是指哪方面呢?)",
                    ),
                    (
                        Elderly,
                        "上次您说{product}有毛病,现在还有没有这个情况?您慢慢说,不着急。",
                    ),
                    (
                        Angry,
                        "我特别理解您的着急,一定会帮您尽快解决。您把情况再跟我说一说,我都记下来。",
                    ),
                ],
            ),
            step(
                "apology",
                Apology,
                "先处理情绪,再处理问题",
                &[
                    (Standard, "给您带来不便,非常抱歉。"),
                    (
                        Vip,
                        "给您添了这么多麻烦,真的非常抱歉,这不是我们应有的服务水平。",
                    ),
                    (
                        Angry,
                        "您的心情我完全理解,换作是我也会着急。这件事是我们没做好,非常抱歉。",
                    ),
                ],
            ),
            step(
                "confirm_problem",
                ConfirmProblem,
                "复述关键事实,请客户确认",
                &[
                    (
                        Standard,
                        "为了准确了解情况,我跟您核对一下:您遇到的问题是……,发生在……,对吗?",
                    ),
                    (Elderly, "我跟您再说一遍,您听听对不对:……"),
                ],
            ),
            step(
                "solution",
                Solution,
                "给出具体方案和时间,不做做不到的承诺",
                &[
                    (
                        Standard,
                        "针对这个问题,我们可以为您……(换货/上门检修/补偿),您看这样处理可以吗?",
                    ),
                    (Vip, "我们为您安排专人跟进,优先处理:……,您看这样是否合适?"),
                    (
                        Angry,
                        "我现在就把您的情况转给主管优先处理,今天之内给您回复,您看可以吗?",
                    ),
                ],
            ),
            step(
                "closing",
                Closing,
                "约定下次联系时间,征求建议,致谢",
                &[
                    (
                        Standard,
                        "感谢您的耐心。我们会在{next_contact}再联系您确认处理结果。您对本次处理结果有什么建议吗?",
                    ),
                    (
                        Vip,
                        "{customer_name},感谢您的宝贵意见。我们会在{next_contact}再向您汇报处理结果,有任何需要请随时联系我们。",
                    ),
                    (
                        Elderly,
                        "那我们{next_contact}再给您打电话。您有事也可以随时打我们的客服电话。祝您身体健康!",
                    ),
                ],
            ),
        ],
        retired: false,
    }
}

fn after_sales(id: Uuid) -> Script {
    use StepKind::*;
    Script {
        id,
        version: 1,
        visit_type: VisitType::AfterSales,
        title: "售后回访".to_owned(),
        steps: vec![
            step(
                "opening",
                Opening,
                "问候,说明来意",
                &[
                    (
                        Standard,
                        "您好,这里是{company}客服中心,我是客服{agent_no}。您前几天购买的{product}已经送货安装,想了解一下使用情况,耽误您两分钟可以吗?",
                    ),
                    (
                        Vip,
                        "尊敬的{customer_name},您好!感谢您选择{company}。我是客服{agent_no},想了解一下{product}送货安装后的使用体验,请问现在方便吗?",
                    ),
                    (
                        Elderly,
                        "{customer_name}您好!我是{company}的客服{agent_no}。您家新买的{product}装好了吧?我打电话问问用着怎么样。",
                    ),
                ],
            ),
            identity(),
            step(
                "open_question",
                OpenQuestion,
                "问使用体验,听客户自己说",
                &[
                    (
                        Standard,
                        "{product}用了这几天,感觉怎么样?送货和安装过程中有没有让您不方便的地方?",
                    ),
                    (
                        Elderly,
                        "用起来顺手吗?有没有哪个按钮不会用的?不会用的我可以一步一步教您。",
                    ),
                    (
                        Angry,
                        "听得出来您不太满意,我特别理解。您说说是哪里出了问题,我来帮您解决。",
                    ),
                ],
            ),
            step(
                "confirm_problem",
                ConfirmProblem,
                "有问题时复述确认",
                &[(Standard, "我确认一下:您说的是……,对吗?")],
            ),
            step(
                "solution",
                Solution,
                "有问题给方案,没问题讲保养要点",
                &[
                    (
                        Standard,
                        "这个问题我帮您登记,安排师傅……上门处理。另外提醒您:……(保养要点)。",
                    ),
                    (
                        Elderly,
                        "这个我记下了,让师傅上门给您看看,来之前会先给您打电话。",
                    ),
                ],
            ),
            step(
                "closing",
                Closing,
                "约定下次联系时间,致谢",
                &[
                    (
                        Standard,
                        "感谢您的支持。{next_contact}我们会再联系您,使用中有任何问题也欢迎随时找我们。",
                    ),
                    (
                        Vip,
                        "{customer_name},感谢您的信任。{next_contact}我们再向您回访,祝您使用愉快。",
                    ),
                ],
            ),
        ],
        retired: false,
    }
}

fn satisfaction(id: Uuid) -> Script {
    use StepKind::*;
    Script {
        id,
        version: 1,
        visit_type: VisitType::Satisfaction,
        title: "满意度回访".to_owned(),
        steps: vec![
            step(
                "opening",
                Opening,
                "说明用途和时长",
                &[
                    (
                        Standard,
                        "您好,这里是{company}客服中心,我是客服{agent_no}。想请您花三到五分钟,对最近的服务做个评价,帮助我们改进,可以吗?",
                    ),
                    (
                        Vip,
                        "尊敬的{customer_name},您好!我是{company}客服{agent_no}。您的意见对我们非常重要,想占用您几分钟做个服务评价,请问方便吗?",
                    ),
                    (
                        Elderly,
                        "{customer_name}您好!我是{company}的客服{agent_no}。想问您几个简单的问题,说说您对我们服务的看法,几分钟就好。",
                    ),
                ],
            ),
            identity(),
            step(
                "survey",
                OpenQuestion,
                "按问卷逐题提问;不引导,不替客户回答",
                &[
                    (
                        Standard,
                        "接下来几个问题,按您的真实感受回答就好,没有对错。第一个问题:整体来说,您给这次服务打几颗星?一颗最低,五颗最高。",
                    ),
                    (
                        Elderly,
                        "我问您几个问题,您照实说就行。第一个:这次服务您打几分?一分最差,五分最好。",
                    ),
                ],
            ),
            step(
                "clarify",
                OpenQuestion,
                "低分时追问原因,记原话",
                &[
                    (Standard, "您提到不太满意,具体是哪一方面呢?能举个例子吗?"),
                    (
                        Angry,
                        "谢谢您直接告诉我们。您说的情况我都记下来,会反馈给负责的部门。",
                    ),
                ],
            ),
            step(
                "closing",
                Closing,
                "征求建议,致谢",
                &[
                    (
                        Standard,
                        "最后,您对本次处理结果有什么建议吗?感谢您的时间,{next_contact}我们会把改进情况反馈给您。",
                    ),
                    (
                        Vip,
                        "{customer_name},非常感谢您的宝贵意见,我们会认真改进,{next_contact}再向您汇报。",
                    ),
                ],
            ),
        ],
        retired: false,
    }
}

fn repair(id: Uuid) -> Script {
    use StepKind::*;
    Script {
        id,
        version: 1,
        visit_type: VisitType::Repair,
        title: "维修回访".to_owned(),
        steps: vec![
            step(
                "opening",
                Opening,
                "问候,说明是维修后的回访",
                &[
                    (
                        Standard,
                        "您好,这里是{company}客服中心,我是客服{agent_no}。您家的{product}前几天维修过,想了解一下现在的使用情况。",
                    ),
                    (
                        Vip,
                        "尊敬的{customer_name},您好!我是{company}客服{agent_no}。您的{product}维修后用得怎么样?我们专门来回访一下。",
                    ),
                    (
                        Elderly,
                        "{customer_name}您好!我是{company}的客服{agent_no}。前几天师傅到您家修了{product},我问问现在好用了吗?",
                    ),
                    (
                        Angry,
                        "{customer_name}您好,我是{company}客服{agent_no}。维修的事让您费心了,我来跟进一下现在的情况。",
                    ),
                ],
            ),
            identity(),
            step(
                "open_question",
                OpenQuestion,
                "问问题是否彻底解决",
                &[
                    (Standard, "修好以后用得怎么样?原来的问题还有没有再出现?"),
                    (Elderly, "现在用着还有没有原来的毛病?有的话您跟我说。"),
                ],
            ),
            step(
                "confirm_problem",
                ConfirmProblem,
                "核对上门服务的关键事实",
                &[(
                    Standard,
                    "跟您核对几件事:师傅是按约定时间上门的吗?收费和事先说的一样吗?走的时候现场收拾干净了吗?",
                )],
            ),
            step(
                "solution",
                Solution,
                "问题复发时马上安排",
                &[
                    (
                        Standard,
                        "问题又出现了,非常抱歉。我马上为您重新安排上门检修,这次不收上门费,您看什么时间方便?",
                    ),
                    (
                        Angry,
                        "修了还没好,换谁都会生气,实在抱歉。我现在就安排主管跟进,今天之内给您确定上门时间。",
                    ),
                ],
            ),
            step(
                "closing",
                Closing,
                "约定下次联系时间,致谢",
                &[
                    (
                        Standard,
                        "感谢您的配合。{next_contact}我们会再联系您确认使用情况。您对本次处理结果有什么建议吗?",
                    ),
                    (
                        Elderly,
                        "好的,那{next_contact}我们再给您打个电话问问。您注意身体,再见!",
                    ),
                ],
            ),
        ],
        retired: false,
    }
}

/// The four demo scripts, for ids in the order complaint, after-sales, satisfaction, repair.
pub(super) fn scripts(ids: [Uuid; 4]) -> [Script; 4] {
    [
        complaint(ids[0]),
        after_sales(ids[1]),
        satisfaction(ids[2]),
        repair(ids[3]),
    ]
}

fn question(key: &str, text: &str, kind: QuestionKind, required: bool) -> Question {
    Question {
        key: key.to_owned(),
        text: text.to_owned(),
        kind,
        required,
        show_if: None,
    }
}

fn options(list: &[&str]) -> Vec<String> {
    list.iter().map(|o| (*o).to_owned()).collect()
}

/// 满意度调查: every widget kind, required questions, a bounded multiple choice and a
/// follow-up asked only after a low score. No question leads the customer.
pub(super) fn satisfaction_survey(id: Uuid) -> Survey {
    Survey {
        id,
        version: 1,
        title: "满意度调查".to_owned(),
        visit_type: Some(VisitType::Satisfaction),
        questions: vec![
            question(
                "overall",
                "整体来说,您给这次服务打几颗星?",
                QuestionKind::Stars,
                true,
            ),
            Question {
                show_if: Some(Condition {
                    question: "overall".to_owned(),
                    test: ConditionTest::AtMost(2),
                }),
                ..question(
                    "what_went_wrong",
                    "哪方面让您不满意?(最多选两项)",
                    QuestionKind::Multi {
                        options: options(&[
                            "响应速度",
                            "服务态度",
                            "问题没有解决",
                            "收费",
                            "上门时间",
                        ]),
                        min: None,
                        max: Some(2),
                    },
                    true,
                )
            },
            question(
                "resolved",
                "您反映的问题现在解决了吗?",
                QuestionKind::YesNo,
                true,
            ),
            question(
                "nps",
                "如果亲友需要类似的产品或服务,您向他们推荐我们的可能性有多大?(0 表示完全不会,10 表示一定会)",
                QuestionKind::Nps,
                true,
            ),
            question(
                "mood",
                "回想这次经历,您现在的心情更接近哪一个?",
                QuestionKind::Mood,
                false,
            ),
            question(
                "contact_by",
                "以后您更希望我们通过哪种方式联系您?",
                QuestionKind::Single {
                    options: options(&["电话", "短信", "微信", "上门"]),
                },
                true,
            ),
            question(
                "advice",
                "您对本次处理结果有什么建议吗?",
                QuestionKind::Text {
                    max_chars: Some(500),
                },
                false,
            ),
        ],
        retired: false,
    }
}

/// 维修回访问卷: short, for the doorstep or a quick call after a repair.
pub(super) fn repair_survey(id: Uuid) -> Survey {
    Survey {
        id,
        version: 1,
        title: "维修回访问卷".to_owned(),
        visit_type: Some(VisitType::Repair),
        questions: vec![
            question(
                "fixed",
                "维修以后,原来的问题还有没有再出现?(没有再出现选“是”)",
                QuestionKind::YesNo,
                true,
            ),
            Question {
                show_if: Some(Condition {
                    question: "fixed".to_owned(),
                    test: ConditionTest::Is(false),
                }),
                ..question(
                    "still_wrong",
                    "现在还有什么情况?请按客户原话记录。",
                    QuestionKind::Text {
                        max_chars: Some(300),
                    },
                    true,
                )
            },
            question(
                "on_time",
                "师傅是否按约定时间上门?",
                QuestionKind::YesNo,
                true,
            ),
            question(
                "overall",
                "您给这次维修服务打几颗星?",
                QuestionKind::Stars,
                true,
            ),
            question(
                "advice",
                "您对本次处理结果有什么建议吗?",
                QuestionKind::Text {
                    max_chars: Some(300),
                },
                false,
            ),
        ],
        retired: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huifang_domain::script::PLACEHOLDERS;

    fn ids<const N: usize>() -> [Uuid; N] {
        std::array::from_fn(|i| Uuid::from_u128(i as u128 + 1))
    }

    #[test]
    fn every_demo_script_passes_the_publishing_check_and_covers_the_audiences() {
        for script in scripts(ids()) {
            assert_eq!(script.check(), Ok(()), "{}", script.title);
            let kinds: Vec<_> = script.steps.iter().map(|s| s.kind).collect();
            assert_eq!(kinds.first(), Some(&StepKind::Opening), "{}", script.title);
            assert_eq!(kinds.last(), Some(&StepKind::Closing), "{}", script.title);
            assert!(kinds.contains(&StepKind::IdentityCheck), "{}", script.title);
            for audience in [Vip, Elderly, Angry] {
                assert!(
                    script
                        .steps
                        .iter()
                        .any(|s| s.variants.contains_key(&audience)),
                    "{} has no {audience:?} wording",
                    script.title
                );
            }
            let closing = script.steps.last().unwrap();
            assert!(
                closing
                    .variants
                    .values()
                    .all(|t| t.contains("{next_contact}")),
                "{}: the closing promises the next contact",
                script.title
            );
        }
        let used: Vec<_> = scripts(ids())
            .iter()
            .flat_map(|s| s.steps.iter())
            .flat_map(|s| s.variants.values())
            .flat_map(|t| {
                huifang_domain::script::placeholders(t)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        for name in [
            "customer_name",
            "agent_no",
            "company",
            "product",
            "next_contact",
        ] {
            assert!(
                PLACEHOLDERS.contains(&name) && used.iter().any(|u| u == name),
                "{name}"
            );
        }
    }

    #[test]
    fn the_demo_surveys_are_valid_templates_and_never_lead() {
        let [a, b] = ids();
        let both = [satisfaction_survey(a), repair_survey(b)];
        for survey in &both {
            assert_eq!(survey.check_template(), Ok(()), "{}", survey.title);
            for q in &survey.questions {
                assert!(!q.text.contains("满意吗"), "leading question: {}", q.text);
            }
        }
        let kinds: Vec<_> = both[0]
            .questions
            .iter()
            .map(|q| std::mem::discriminant(&q.kind))
            .collect();
        for kind in [
            QuestionKind::Stars,
            QuestionKind::Nps,
            QuestionKind::Mood,
            QuestionKind::Single { options: vec![] },
            QuestionKind::Multi {
                options: vec![],
                min: None,
                max: None,
            },
            QuestionKind::YesNo,
            QuestionKind::Text { max_chars: None },
        ] {
            assert!(kinds.contains(&std::mem::discriminant(&kind)), "{kind:?}");
        }
    }
}
