//! 话术库: call scripts per visit type, with audience variants and placeholders.
//!
//! Scripts are a framework, not a text to read mechanically: each step says what to achieve
//! and offers wording for the audience at hand (standard, VIP, elderly, angry).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::vocabulary::VisitType;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Script {
    /// Set by the server; an editor's draft may leave it (and `version`) out.
    #[serde(default)]
    pub id: Uuid,
    /// Grows with every edit; a visit record names the version it followed.
    #[serde(default)]
    pub version: u32,
    pub visit_type: VisitType,
    pub title: String,
    pub steps: Vec<ScriptStep>,
    /// Retired by an admin: kept for the records that name it, offered for no new visit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptStep {
    /// Stable key within the script (`"opening"`, `"identity"`…); the record lists these.
    pub key: String,
    pub kind: StepKind,
    /// What the step is for, shown small above the wording.
    pub goal: String,
    /// Wording per audience; `standard` must be present, the others fall back to it.
    pub variants: BTreeMap<Audience, String>,
}

/// The stage of the conversation (DOMAIN.md "Scripts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// 开场白
    Opening,
    /// 身份核实
    IdentityCheck,
    /// 开放式提问与澄清
    OpenQuestion,
    /// 致歉
    Apology,
    /// 确认问题
    ConfirmProblem,
    /// 提出方案
    Solution,
    /// 结束语与下次联系时间
    Closing,
}

/// Who is on the other end; one tap switches the wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Standard,
    Vip,
    /// 老年客户: plain words ("网络空间", not "云端存储").
    Elderly,
    /// 情绪激动: calm first.
    Angry,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::Standard,
        Audience::Vip,
        Audience::Elderly,
        Audience::Angry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Standard => "standard",
            Audience::Vip => "vip",
            Audience::Elderly => "elderly",
            Audience::Angry => "angry",
        }
    }
}

impl ScriptStep {
    /// The wording for `audience`, or the standard wording where the step has no variant.
    pub fn text(&self, audience: Audience) -> &str {
        self.variants
            .get(&audience)
            .or_else(|| self.variants.get(&Audience::Standard))
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Why a script cannot be published (checked by the server when an admin saves one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("a script needs a title")]
    NoTitle,
    #[error("a script needs at least one step")]
    NoSteps,
    #[error("step {0} has no key")]
    BlankKey(usize),
    #[error("step {0:?} has no standard wording")]
    NoStandard(String),
    #[error("step key {0:?} is used twice")]
    DuplicateKey(String),
    #[error("step {step:?} uses the unknown placeholder {{{name}}}")]
    UnknownPlaceholder { step: String, name: String },
}

impl ScriptError {
    /// Stable code for the editor to translate.
    pub fn code(&self) -> &'static str {
        match self {
            ScriptError::NoTitle => "no_title",
            ScriptError::NoSteps => "no_steps",
            ScriptError::BlankKey(_) => "blank",
            ScriptError::NoStandard(_) => "no_standard",
            ScriptError::DuplicateKey(_) => "duplicate_key",
            ScriptError::UnknownPlaceholder { .. } => "unknown_placeholder",
        }
    }
}

/// One broken rule and where: `steps[2].variants.vip` (index into `steps`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptProblem {
    pub path: String,
    pub error: ScriptError,
}

impl Script {
    pub fn check(&self) -> Result<(), ScriptError> {
        match self.problems().into_iter().next() {
            Some(p) => Err(p.error),
            None => Ok(()),
        }
    }

    /// Every problem of the script, in step order.
    pub fn problems(&self) -> Vec<ScriptProblem> {
        let mut out = Vec::new();
        let mut push = |path: String, error| out.push(ScriptProblem { path, error });
        if self.title.trim().is_empty() {
            push("title".into(), ScriptError::NoTitle);
        }
        if self.steps.is_empty() {
            push("steps".into(), ScriptError::NoSteps);
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, step) in self.steps.iter().enumerate() {
            if step.key.trim().is_empty() {
                push(format!("steps[{i}].key"), ScriptError::BlankKey(i));
            } else if !seen.insert(step.key.as_str()) {
                push(
                    format!("steps[{i}].key"),
                    ScriptError::DuplicateKey(step.key.clone()),
                );
            }
            if step
                .variants
                .get(&Audience::Standard)
                .is_none_or(|t| t.trim().is_empty())
            {
                push(
                    format!("steps[{i}].variants.standard"),
                    ScriptError::NoStandard(step.key.clone()),
                );
            }
            for (audience, text) in &step.variants {
                for name in placeholders(text).filter(|n| !PLACEHOLDERS.contains(n)) {
                    push(
                        format!("steps[{i}].variants.{}", audience.as_str()),
                        ScriptError::UnknownPlaceholder {
                            step: step.key.clone(),
                            name: name.to_owned(),
                        },
                    );
                }
            }
        }
        out
    }
}

/// 话术使用: which script (and version) a visit followed, for whom, and the steps ticked off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptUse {
    pub script_id: Uuid,
    pub version: u32,
    pub audience: Audience,
    pub steps_done: Vec<String>,
}

impl ScriptUse {
    /// Checks the ticked steps against the script version they claim to follow.
    pub fn check(&self, script: &Script) -> Result<(), String> {
        if (script.id, script.version) != (self.script_id, self.version) {
            return Err(format!(
                "script {} version {} is not the one used",
                script.id, script.version
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for key in &self.steps_done {
            if !script.steps.iter().any(|s| &s.key == key) {
                return Err(format!("the script has no step {key:?}"));
            }
            if !seen.insert(key) {
                return Err(format!("step {key:?} is ticked twice"));
            }
        }
        Ok(())
    }
}

/// The placeholders a script may use.
pub const PLACEHOLDERS: [&str; 6] = [
    "customer_name",
    "agent_name",
    "agent_no",
    "company",
    "product",
    "next_contact",
];

/// The values for one visit's placeholders.
pub type Values = BTreeMap<&'static str, String>;

/// Names of the `{placeholders}` in `text`, in order.
pub fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Fills `{name}` placeholders from `values`. A placeholder without a value stays visible as
/// `{name}`, so the agent sees the gap instead of a silently missing word.
pub fn fill(text: &str, values: &Values) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.split_once('}') {
            Some((name, tail)) if values.contains_key(name) => {
                out.push_str(&values[name]);
                rest = tail;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values::from([
            ("customer_name", "王女士".to_owned()),
            ("agent_no", "F001".to_owned()),
            ("company", "惠方电器".to_owned()),
        ])
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_stay_visible() {
        let table = [
            (
                "您好,这里是{company}客服中心,我是客服{agent_no}",
                "您好,这里是惠方电器客服中心,我是客服F001",
            ),
            ("尊敬的{customer_name}", "尊敬的王女士"),
            ("{customer_name}{customer_name}", "王女士王女士"),
            ("下次联系:{next_contact}", "下次联系:{next_contact}"),
            ("no placeholders", "no placeholders"),
            ("unclosed {company", "unclosed {company"),
            ("{} and {{company}}", "{} and {惠方电器}"),
            ("", ""),
        ];
        for (text, want) in table {
            assert_eq!(fill(text, &values()), want, "text {text:?}");
        }
    }

    #[test]
    fn placeholder_names_are_found_in_order() {
        let names: Vec<_> = placeholders("{company}:{agent_no} {a b} {} {x").collect();
        assert_eq!(names, ["company", "agent_no"]);
    }

    fn step(key: &str, variants: &[(Audience, &str)]) -> ScriptStep {
        ScriptStep {
            key: key.into(),
            kind: StepKind::Opening,
            goal: String::new(),
            variants: variants.iter().map(|(a, t)| (*a, t.to_string())).collect(),
        }
    }

    #[test]
    fn audience_variants_fall_back_to_the_standard_wording() {
        let s = step(
            "opening",
            &[
                (Audience::Standard, "您好"),
                (Audience::Vip, "尊敬的{customer_name}"),
            ],
        );
        assert_eq!(s.text(Audience::Vip), "尊敬的{customer_name}");
        assert_eq!(s.text(Audience::Elderly), "您好");
        assert_eq!(s.text(Audience::Standard), "您好");
    }

    #[test]
    fn a_script_use_ticks_only_steps_of_its_own_script_version() {
        let script = Script {
            id: Uuid::from_u128(1),
            version: 2,
            visit_type: VisitType::Complaint,
            title: "投诉回访".into(),
            steps: vec![
                step("opening", &[(Audience::Standard, "您好")]),
                step("closing", &[(Audience::Standard, "再见")]),
            ],
            retired: false,
        };
        let used = |version, steps: &[&str]| ScriptUse {
            script_id: Uuid::from_u128(1),
            version,
            audience: Audience::Elderly,
            steps_done: steps.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(used(2, &["opening", "closing"]).check(&script), Ok(()));
        assert_eq!(used(2, &[]).check(&script), Ok(()));
        assert!(used(1, &["opening"]).check(&script).is_err());
        assert!(used(2, &["apology"]).check(&script).is_err());
        assert!(used(2, &["opening", "opening"]).check(&script).is_err());
    }

    #[test]
    fn scripts_are_checked_before_they_are_published() {
        let script = |steps: Vec<ScriptStep>| Script {
            id: Uuid::from_u128(1),
            version: 1,
            visit_type: VisitType::Complaint,
            title: "投诉回访".into(),
            steps,
            retired: false,
        };
        let ok = step("opening", &[(Audience::Standard, "您好,我是{agent_no}")]);
        assert_eq!(script(vec![ok.clone()]).check(), Ok(()));
        assert_eq!(script(vec![]).check(), Err(ScriptError::NoSteps));
        assert_eq!(
            script(vec![ok.clone(), ok.clone()]).check(),
            Err(ScriptError::DuplicateKey("opening".into()))
        );
        assert_eq!(
            script(vec![step("x", &[(Audience::Vip, "尊敬的客户")])]).check(),
            Err(ScriptError::NoStandard("x".into()))
        );
        assert_eq!(
            script(vec![step("x", &[(Audience::Standard, "{phone}")])]).check(),
            Err(ScriptError::UnknownPlaceholder {
                step: "x".into(),
                name: "phone".into()
            })
        );
    }

    #[test]
    fn every_script_problem_is_listed_with_the_path_of_its_field() {
        let ok = || step("opening", &[(Audience::Standard, "您好")]);
        let table: Vec<(Vec<ScriptStep>, &str, Vec<&str>)> = vec![
            (vec![ok()], "回访", vec![]),
            (vec![], " ", vec!["title", "steps"]),
            (
                vec![
                    ok(),
                    ok(),
                    step("", &[(Audience::Standard, " ")]),
                    step(
                        "x",
                        &[
                            (Audience::Standard, "{phone}"),
                            (Audience::Vip, "{customer_name} {age} {x y}"),
                        ],
                    ),
                ],
                "回访",
                vec![
                    "steps[1].key",
                    "steps[2].key",
                    "steps[2].variants.standard",
                    "steps[3].variants.standard",
                    "steps[3].variants.vip",
                ],
            ),
            (
                vec![step("x", &[(Audience::Angry, "先别急")])],
                "回访",
                vec!["steps[0].variants.standard"],
            ),
        ];
        for (i, (steps, title, want)) in table.into_iter().enumerate() {
            let script = Script {
                id: Uuid::from_u128(1),
                version: 1,
                visit_type: VisitType::Complaint,
                title: title.into(),
                steps,
                retired: false,
            };
            let got: Vec<_> = script.problems().into_iter().map(|p| p.path).collect();
            assert_eq!(got, want, "case {i}");
        }
    }
}
