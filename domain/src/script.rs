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
    pub id: Uuid,
    /// Grows with every edit; a visit record names the version it followed.
    pub version: u32,
    pub visit_type: VisitType,
    pub title: String,
    pub steps: Vec<ScriptStep>,
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
    #[error("a script needs at least one step")]
    NoSteps,
    #[error("step {0:?} has no standard wording")]
    NoStandard(String),
    #[error("step key {0:?} is used twice")]
    DuplicateKey(String),
    #[error("step {step:?} uses the unknown placeholder {{{name}}}")]
    UnknownPlaceholder { step: String, name: String },
}

impl Script {
    pub fn check(&self) -> Result<(), ScriptError> {
        if self.steps.is_empty() {
            return Err(ScriptError::NoSteps);
        }
        let mut seen = std::collections::BTreeSet::new();
        for step in &self.steps {
            if !seen.insert(step.key.as_str()) {
                return Err(ScriptError::DuplicateKey(step.key.clone()));
            }
            if !step.variants.contains_key(&Audience::Standard) {
                return Err(ScriptError::NoStandard(step.key.clone()));
            }
            for text in step.variants.values() {
                if let Some(name) = placeholders(text).find(|n| !PLACEHOLDERS.contains(n)) {
                    return Err(ScriptError::UnknownPlaceholder {
                        step: step.key.clone(),
                        name: name.to_owned(),
                    });
                }
            }
        }
        Ok(())
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
}
