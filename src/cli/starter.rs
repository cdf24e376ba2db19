//! The starter blueprint `platc init` writes: commented, minimal, and rendering as is
//! (a test renders it).

pub const TEXT: &str = include_str!("../../blueprints/starter.yaml");

#[cfg(test)]
mod tests {
    /// A user of the binary has no `spec/` folder: the starter points at what the binary
    /// itself prints and at the README.
    #[test]
    fn the_starter_points_at_what_users_of_the_binary_have() {
        assert!(!super::TEXT.contains("spec/"), "{}", super::TEXT);
        assert!(super::TEXT.contains("`platc schema`"));
    }
}
