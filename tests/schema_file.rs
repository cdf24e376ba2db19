//! `schema/platform.schema.json` must be exactly what the blueprint types generate, and
//! what `platc schema` prints. Update with `PLATC_UPDATE_GOLDEN=1`.

use crate::support::{platc, root, stdout};

#[test]
fn committed_schema_is_current() {
    let path = root().join("schema/platform.schema.json");
    let generated = platc::blueprint::schema::schema_text();
    if std::env::var_os("PLATC_UPDATE_GOLDEN").is_some() && std::env::var_os("CI").is_none() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/platform.schema.json is stale; rerun with PLATC_UPDATE_GOLDEN=1"
    );
    let printed = platc(&root(), &["schema"]);
    assert_eq!(stdout(&printed), generated);
    // The binary checks blueprints against the committed file: it must be the same schema.
    assert_eq!(
        platc::blueprint::schema::schema(),
        platc::blueprint::schema::generated()
    );
}
