//! The starter blueprint `platc init` writes: commented, minimal, and rendering as is
//! (a test renders it).

pub const TEXT: &str = include_str!("../../blueprints/starter.yaml");
