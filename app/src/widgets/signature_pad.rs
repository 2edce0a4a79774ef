use std::cell::RefCell;
use std::rc::Rc;

use huifang_domain::proof::{MAX_SIGNATURE_POINTS, Signature};
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::Key;
use crate::state::use_app;
use crate::visits::field::{PAD_H, PAD_W, polyline, push_point, scale_point};
use crate::visits::form::Draft;

/// 客户签名: the customer signs with a finger, pen or mouse. The canvas works in signature
/// units (its pixel size is the signature box), so what is drawn is what is stored.
#[component]
pub fn SignaturePad(
    draft: RwSignal<Draft>,
    /// True while the form names a problem with the signature (its line is `err-signature`).
    invalid: Signal<bool>,
) -> impl IntoView {
    let app = use_app();
    let canvas = NodeRef::<Canvas>::new();
    let stroke: Rc<RefCell<Option<Vec<[u16; 2]>>>> = Rc::default();
    let ctx = move || {
        canvas
            .get_untracked()?
            .get_context("2d")
            .ok()??
            .dyn_into::<web_sys::CanvasRenderingContext2d>()
            .ok()
    };
    let point = move |ev: &web_sys::PointerEvent| {
        let el = canvas.get_untracked()?;
        let rect = el.get_bounding_client_rect();
        Some(scale_point(
            f64::from(ev.client_x()) - rect.left(),
            f64::from(ev.client_y()) - rect.top(),
            rect.width(),
            rect.height(),
        ))
    };
    let budget =
        move || draft.with_untracked(|d| d.signature.as_ref().map_or(0, Signature::points));

    // Redraw whenever the stored strokes change (restored draft, cleared pad).
    Effect::new(move |_| {
        let strokes = draft.with(|d| d.signature.as_ref().map(|s| s.strokes.clone()));
        let Some(c) = ctx() else { return };
        c.clear_rect(0.0, 0.0, f64::from(PAD_W), f64::from(PAD_H));
        c.set_line_width(6.0);
        c.set_line_cap("round");
        c.set_line_join("round");
        c.set_stroke_style_str("#18202b");
        for s in strokes.unwrap_or_default() {
            c.begin_path();
            for (i, [x, y]) in s.iter().enumerate() {
                if i == 0 {
                    c.move_to(f64::from(*x), f64::from(*y));
                } else {
                    c.line_to(f64::from(*x), f64::from(*y));
                }
            }
            c.stroke();
        }
    });

    let down = {
        let stroke = stroke.clone();
        move |ev: web_sys::PointerEvent| {
            ev.prevent_default();
            if let Some(el) = canvas.get_untracked() {
                let _ = el.set_pointer_capture(ev.pointer_id());
            }
            if let Some(p) = point(&ev) {
                *stroke.borrow_mut() = Some(vec![p]);
            }
        }
    };
    let moved = {
        let stroke = stroke.clone();
        move |ev: web_sys::PointerEvent| {
            let mut guard = stroke.borrow_mut();
            let (Some(s), Some(p)) = (guard.as_mut(), point(&ev)) else {
                return;
            };
            if budget() + s.len() >= MAX_SIGNATURE_POINTS {
                return;
            }
            let last = s.last().copied();
            push_point(s, p);
            if let (Some([x0, y0]), Some(c)) = (last, ctx()) {
                c.begin_path();
                c.move_to(f64::from(x0), f64::from(y0));
                c.line_to(f64::from(p[0]), f64::from(p[1]));
                c.stroke();
            }
        }
    };
    let up = move |_| {
        let Some(s) = stroke.borrow_mut().take() else {
            return;
        };
        draft.update(|d| {
            let sig = d.signature.get_or_insert_with(|| Signature {
                width: PAD_W,
                height: PAD_H,
                strokes: Vec::new(),
            });
            sig.strokes.push(s);
        });
    };

    view! {
        <fieldset
            class="field signature"
            id="f-signature"
            tabindex="-1"
            aria-invalid=move || invalid.get().to_string()
            aria-describedby=move || invalid.get().then_some("err-signature")
        >
            <legend class="label">{move || app.t(Key::SignatureTitle)}</legend>
            <span class="hint">{move || app.t(Key::SignatureHint)}</span>
            <canvas
                node_ref=canvas
                class="signature-pad"
                data-testid="signature-pad"
                width=PAD_W.to_string()
                height=PAD_H.to_string()
                aria-label=move || app.t(Key::SignatureTitle)
                on:pointerdown=down
                on:pointermove=moved
                on:pointerup=up.clone()
                on:pointercancel=up
            ></canvas>
            <button type="button" class="btn btn-quiet" data-testid="signature-clear" on:click=move |_| draft.update(|d| d.signature = None)>
                {move || app.t(Key::SignatureClear)}
            </button>
        </fieldset>
    }
}

/// A stored signature drawn back as SVG lines.
#[component]
pub fn SignatureView(signature: Signature) -> impl IntoView {
    let app = use_app();
    view! {
        <svg
            class="signature-view"
            data-testid="signature-view"
            role="img"
            aria-label=move || app.t(Key::SignatureTitle)
            viewBox=format!("0 0 {} {}", signature.width, signature.height)
            data-strokes=signature.strokes.len()
        >
            {signature
                .strokes
                .iter()
                .map(|s| view! { <polyline points=polyline(s) /> })
                .collect_view()}
        </svg>
    }
}
