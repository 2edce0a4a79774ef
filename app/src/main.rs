//! The binary trunk builds for the page; everything lives in the library.

fn main() {
    huifang_app::start();
}
