//! Closed sets of values with one stable snake_case spelling, so the form's `<select>`, the
//! JSON, the database column and the device's storage all use the same name.

/// What every [`wire_enum!`] set offers, for code that works over any of them (a `<select>`
/// of options, a stored column read back).
pub trait WireName: Sized + Copy + 'static {
    /// Every value, in declaration order.
    const VALUES: &'static [Self];

    fn wire_name(self) -> &'static str;

    fn from_wire_name(s: &str) -> Option<Self> {
        Self::VALUES.iter().copied().find(|v| v.wire_name() == s)
    }
}

/// Declares a closed set of values with a stable wire name per value: serde uses exactly that
/// name, `as_str` gives it and `parse` reads it back.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl $crate::wire::WireName for $name {
            const VALUES: &'static [$name] = $name::ALL;

            fn wire_name(self) -> &'static str {
                self.as_str()
            }
        }
    };
}

pub(crate) use wire_enum;
