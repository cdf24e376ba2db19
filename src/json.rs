//! `json!`: serde_json's macro (serde_json 1.0.154, `src/macros.rs`, MIT OR Apache-2.0,
//! copied with its grammar unchanged), except for what it does with an interpolated
//! expression. serde_json's `json!` passes every one through `serde_json::to_value`, so a
//! `Value` or a `Map` built by a generator (a `metadata` block, a `spec` map, Helm values) is
//! serialized into a new tree key by key: every key hashed again, every map grown entry by
//! entry. Generators nest such values all the time, and on a 1,000-cluster fleet that copy
//! was a tenth of a render's CPU. Here a `Value` or a `Map` is cloned (same result, no
//! serializer, no rehashing); any other `Serialize` type goes through `to_value` as before.
//!
//! Which of the two happens is chosen at compile time by method resolution ("autoref
//! specialization"): `ByClone` is implemented for `Leaf<Value>` itself, `BySerde` for
//! `&Leaf<T>`, and a method call tries the receiver's own type before taking a reference.

use serde::Serialize;
use serde_json::{Map, Value};

/// An expression interpolated into `json!`, by reference.
pub struct Leaf<'a, T: ?Sized>(pub &'a T);

/// A `Value` or a `Map`: cloned.
pub trait ByClone {
    fn json_value(&self) -> Value;
}

impl ByClone for Leaf<'_, Value> {
    fn json_value(&self) -> Value {
        self.0.clone()
    }
}

impl ByClone for Leaf<'_, Map<String, Value>> {
    fn json_value(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

/// Anything else: serialized, as serde_json's `json!` does (and panics where it panics: a
/// map with keys that are not strings, which no generator builds).
pub trait BySerde {
    fn json_value(&self) -> Value;
}

impl<T: Serialize + ?Sized> BySerde for &Leaf<'_, T> {
    fn json_value(&self) -> Value {
        #[allow(clippy::expect_used)]
        serde_json::to_value(self.0).expect("json!: a value that serializes to JSON")
    }
}

/// Construct a `serde_json::Value` from a JSON literal (see serde_json's `json!`).
macro_rules! json {
    ($($json:tt)+) => {
        $crate::json::json_internal!($($json)+)
    };
}

macro_rules! json_internal {
    //////////////////////////////////////////////////////////////////////////
    // TT muncher for parsing the inside of an array [...]. Produces a vec![...]
    // of the elements.
    //
    // Must be invoked as: json_internal!(@array [] $($tt)*)
    //////////////////////////////////////////////////////////////////////////

    // Done with trailing comma.
    (@array [$($elems:expr,)*]) => {
        ::std::vec![$($elems,)*]
    };

    // Done without trailing comma.
    (@array [$($elems:expr),*]) => {
        ::std::vec![$($elems),*]
    };

    // Next element is `null`.
    (@array [$($elems:expr,)*] null $($rest:tt)*) => {
        $crate::json::json_internal!(@array [$($elems,)* $crate::json::json_internal!(null)] $($rest)*)
    };

    // Next element is `true`.
    (@array [$($elems:expr,)*] true $($rest:tt)*) => {
        $crate::json::json_internal!(@array [$($elems,)* $crate::json::json_internal!(true)] $($rest)*)
    };

    // Next element is `false`.
    (@array [$($elems:expr,)*] false $($rest:tt)*) => {
        $crate::json::json_internal!(@array [$($elems,)* $crate::json::json_internal!(false)] $($rest)*)
    };

    // Next element is an array.
    (@array [$($elems:expr,)*] [$($array:tt)*] $($rest:tt)*) => {
        $crate::json::json_internal!(@array [$($elems,)* $crate::json::json_internal!([$($array)*])] $($rest)*)
    };

    // Next element is a map.
    (@array [$($elems:expr,)*] {$($map:tt)*} $($rest:tt)*) => {
        $crate::json::json_internal!(@array [$($elems,)* $crate::json::json_internal!({$($map)*})] $($rest)*)
    };

    // Next element is an expression followed by comma.
    (@array [$($elems:expr,)*] $next:expr, $($rest:tt)*) => {
        $crate::json::json_internal!(@array [$($elems,)* $crate::json::json_internal!($next),] $($rest)*)
    };

    // Last element is an expression with no trailing comma.
    (@array [$($elems:expr,)*] $last:expr) => {
        $crate::json::json_internal!(@array [$($elems,)* $crate::json::json_internal!($last)])
    };

    // Comma after the most recent element.
    (@array [$($elems:expr),*] , $($rest:tt)*) => {
        $crate::json::json_internal!(@array [$($elems,)*] $($rest)*)
    };

    // Unexpected token after most recent element.
    (@array [$($elems:expr),*] $unexpected:tt $($rest:tt)*) => {
        $crate::json::json_unexpected!($unexpected)
    };

    //////////////////////////////////////////////////////////////////////////
    // TT muncher for parsing the inside of an object {...}. Each entry is
    // inserted into the given map variable.
    //
    // Must be invoked as: json_internal!(@object $map () ($($tt)*) ($($tt)*))
    //
    // We require two copies of the input tokens so that we can match on one
    // copy and trigger errors on the other copy.
    //////////////////////////////////////////////////////////////////////////

    // Done.
    (@object $object:ident () () ()) => {};

    // Insert the current entry followed by trailing comma.
    (@object $object:ident [$($key:tt)+] ($value:expr) , $($rest:tt)*) => {
        let _ = $object.insert(($($key)+).into(), $value);
        $crate::json::json_internal!(@object $object () ($($rest)*) ($($rest)*));
    };

    // Current entry followed by unexpected token.
    (@object $object:ident [$($key:tt)+] ($value:expr) $unexpected:tt $($rest:tt)*) => {
        $crate::json::json_unexpected!($unexpected);
    };

    // Insert the last entry without trailing comma.
    (@object $object:ident [$($key:tt)+] ($value:expr)) => {
        let _ = $object.insert(($($key)+).into(), $value);
    };

    // Next value is `null`.
    (@object $object:ident ($($key:tt)+) (: null $($rest:tt)*) $copy:tt) => {
        $crate::json::json_internal!(@object $object [$($key)+] ($crate::json::json_internal!(null)) $($rest)*);
    };

    // Next value is `true`.
    (@object $object:ident ($($key:tt)+) (: true $($rest:tt)*) $copy:tt) => {
        $crate::json::json_internal!(@object $object [$($key)+] ($crate::json::json_internal!(true)) $($rest)*);
    };

    // Next value is `false`.
    (@object $object:ident ($($key:tt)+) (: false $($rest:tt)*) $copy:tt) => {
        $crate::json::json_internal!(@object $object [$($key)+] ($crate::json::json_internal!(false)) $($rest)*);
    };

    // Next value is an array.
    (@object $object:ident ($($key:tt)+) (: [$($array:tt)*] $($rest:tt)*) $copy:tt) => {
        $crate::json::json_internal!(@object $object [$($key)+] ($crate::json::json_internal!([$($array)*])) $($rest)*);
    };

    // Next value is a map.
    (@object $object:ident ($($key:tt)+) (: {$($map:tt)*} $($rest:tt)*) $copy:tt) => {
        $crate::json::json_internal!(@object $object [$($key)+] ($crate::json::json_internal!({$($map)*})) $($rest)*);
    };

    // Next value is an expression followed by comma.
    (@object $object:ident ($($key:tt)+) (: $value:expr , $($rest:tt)*) $copy:tt) => {
        $crate::json::json_internal!(@object $object [$($key)+] ($crate::json::json_internal!($value)) , $($rest)*);
    };

    // Last value is an expression with no trailing comma.
    (@object $object:ident ($($key:tt)+) (: $value:expr) $copy:tt) => {
        $crate::json::json_internal!(@object $object [$($key)+] ($crate::json::json_internal!($value)));
    };

    // Missing value for last entry. Trigger a reasonable error message.
    (@object $object:ident ($($key:tt)+) (:) $copy:tt) => {
        // "unexpected end of macro invocation"
        $crate::json::json_internal!();
    };

    // Missing colon and value for last entry. Trigger a reasonable error
    // message.
    (@object $object:ident ($($key:tt)+) () $copy:tt) => {
        // "unexpected end of macro invocation"
        $crate::json::json_internal!();
    };

    // Misplaced colon. Trigger a reasonable error message.
    (@object $object:ident () (: $($rest:tt)*) ($colon:tt $($copy:tt)*)) => {
        // Takes no arguments so "no rules expected the token `:`".
        $crate::json::json_unexpected!($colon);
    };

    // Found a comma inside a key. Trigger a reasonable error message.
    (@object $object:ident ($($key:tt)*) (, $($rest:tt)*) ($comma:tt $($copy:tt)*)) => {
        // Takes no arguments so "no rules expected the token `,`".
        $crate::json::json_unexpected!($comma);
    };

    // Key is fully parenthesized. This avoids clippy double_parens false
    // positives because the parenthesization may be necessary here.
    (@object $object:ident () (($key:expr) : $($rest:tt)*) $copy:tt) => {
        $crate::json::json_internal!(@object $object ($key) (: $($rest)*) (: $($rest)*));
    };

    // Refuse to absorb colon token into key expression.
    (@object $object:ident ($($key:tt)*) (: $($unexpected:tt)+) $copy:tt) => {
        $crate::json::json_expect_expr_comma!($($unexpected)+);
    };

    // Munch a token into the current key.
    (@object $object:ident ($($key:tt)*) ($tt:tt $($rest:tt)*) $copy:tt) => {
        $crate::json::json_internal!(@object $object ($($key)* $tt) ($($rest)*) ($($rest)*));
    };

    //////////////////////////////////////////////////////////////////////////
    // The main implementation.
    //
    // Must be invoked as: json_internal!($($json)+)
    //////////////////////////////////////////////////////////////////////////

    (null) => {
        ::serde_json::Value::Null
    };

    (true) => {
        ::serde_json::Value::Bool(true)
    };

    (false) => {
        ::serde_json::Value::Bool(false)
    };

    ([]) => {
        ::serde_json::Value::Array(::std::vec![])
    };

    ([ $($tt:tt)+ ]) => {
        ::serde_json::Value::Array($crate::json::json_internal!(@array [] $($tt)+))
    };

    ({}) => {
        ::serde_json::Value::Object(::serde_json::Map::new())
    };

    ({ $($tt:tt)+ }) => {
        ::serde_json::Value::Object({
            let mut object = ::serde_json::Map::new();
            $crate::json::json_internal!(@object object () ($($tt)+) ($($tt)+));
            object
        })
    };

    // Any Serialize type: numbers, strings, struct literals, variables etc.
    // Must be below every other rule.
    ($other:expr) => {
        {
            #[allow(unused_imports)]
            use $crate::json::{ByClone as _, BySerde as _};
            (&$crate::json::Leaf(&$other)).json_value()
        }
    };
}

// Used by old versions of Rocket.
// Unused since https://github.com/rwf2/Rocket/commit/c74bcfd40a47b35330db6cafb88e4f3da83e0d17
#[macro_export]
// Called by error arms of `json_internal!` only (a malformed literal): unused when every
// `json!` in the crate is well formed.
#[allow(unused_macros)]
macro_rules! json_unexpected {
    () => {};
}

#[allow(unused_macros)]
macro_rules! json_expect_expr_comma {
    ($e:expr , $($tt:tt)*) => {};
}

pub(crate) use json;
pub(crate) use json_internal;
#[allow(unused_imports)]
pub(crate) use {json_expect_expr_comma, json_unexpected};

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    #[test]
    fn the_same_values_as_serde_jsons_macro() {
        let labels: Map<String, Value> = [("a".to_owned(), Value::from("1"))].into_iter().collect();
        let spec = serde_json::json!({"x": [1, 2.5, null, true], "y": {"z": "w"}});
        let n = 7u16;
        let name = String::from("n");
        // One literal, given to both macros.
        macro_rules! both {
            ($($t:tt)+) => {
                assert_eq!(json!($($t)+), serde_json::json!($($t)+))
            };
        }
        both!({
            "labels": labels,
            "spec": spec,
            "list": [spec, labels, n, name, "lit", {"k": n}],
            "opt": Some(3),
            "none": Option::<u8>::None,
            name.clone(): 1,
        });
        assert_eq!(json!(spec), spec);
        assert_eq!(json!(labels)["a"], "1");
    }
}
