//! 风险预警阈值 on the grading card: the spike factor and the CSAT drop limit, kept with the
//! grading rules (`GradingRules::risk`); the repeat threshold is the repeat rule's own.

use huifang_domain::ticket::GradingRules;
use leptos::prelude::*;

use crate::i18n::Key;
use crate::state::use_app;

/// A typed number, `None` while it is not one (the field keeps what was typed).
fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

pub(super) fn risk_editor(d: RwSignal<GradingRules>) -> impl IntoView {
    let app = use_app();
    let invalid = move || d.with(|g| g.risk.problem().is_some());
    let input = move |testid: &'static str, label: Key, spike: bool| {
        let get = move || {
            d.with(|g| {
                if spike {
                    g.risk.spike_factor
                } else {
                    g.risk.csat_drop_points
                }
                .to_string()
            })
        };
        let set = move |text: String| {
            if let Some(n) = number(&text) {
                d.update(|g| {
                    if spike {
                        g.risk.spike_factor = n;
                    } else {
                        g.risk.csat_drop_points = n;
                    }
                });
            }
        };
        view! {
            <label class="field rset-num">
                <span class="label">{move || app.t(label)}</span>
                <input
                    type="number"
                    step=if spike { "0.1" } else { "0.5" }
                    min=if spike { "1.1" } else { "0.5" }
                    max=if spike { "10" } else { "100" }
                    inputmode="decimal"
                    data-testid=testid
                    aria-invalid=move || invalid().to_string()
                    aria-describedby="risk-rules-error"
                    prop:value=get
                    on:input=move |ev| set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <fieldset class="rset-risk" data-testid="risk-rules">
            <legend>{move || app.t(Key::RiskRulesTitle)}</legend>
            <p class="hint">{move || app.t(Key::RiskRulesHint)}</p>
            <div class="rset-inline">
                {input("risk-spike-factor", Key::RiskSpikeFactor, true)}
                {input("risk-csat-drop", Key::RiskCsatDrop, false)}
            </div>
            <Show when=invalid>
                <p class="field-error" id="risk-rules-error" role="alert" data-testid="risk-rules-error">
                    {move || app.t(Key::RiskRulesInvalid)}
                </p>
            </Show>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn only_finite_numbers_are_taken() {
        let cases = [
            ("2", Some(2.0)),
            (" 2.5 ", Some(2.5)),
            ("", None),
            ("x", None),
            ("inf", None),
        ];
        for (text, want) in cases {
            assert_eq!(number(text), want, "{text:?}");
        }
    }
}
