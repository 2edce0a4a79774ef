//! The console's binary (console.html names it in data-bin); everything lives in the library.

fn main() {
    huifang_app::start_console();
}
