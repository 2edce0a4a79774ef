//! The field app's binary (index.html names it in data-bin); everything lives in the library.

fn main() {
    huifang_app::start_field();
}
