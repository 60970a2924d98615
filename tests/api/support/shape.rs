//! Conformance to the plan's examples: whether a real JSON body has every
//! key path an example shows, with the same JSON type. The examples are the
//! plan's own text (`tests/api/plan/`), where `[...]` and `{...}` stand for
//! an array or object whose contents the plan does not show.
//!
//! The rules, key by key:
//! - an object must be an object, holding every key of the example's
//!   object (keys the example does not show are allowed);
//! - an array must be an array; every real element is checked against every
//!   element the example shows, and a real array must not be empty where
//!   the example shows elements (there would be nothing to compare);
//! - a string, number or bool must be a value of that type (`null` is not);
//! - an example's `null` means "null or a value": only the key must exist.

use serde_json::Value;

/// Parses one of the plan's examples, reading its elisions as empty.
pub fn plan_example(text: &str) -> Value {
    let text = text.replace("[...]", "[]").replace("{...}", "{}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("a plan example is not JSON: {e}"))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: &str, example: &Value, real: &Value, out: &mut Vec<String>) {
    let shown = || if path.is_empty() { "(the body)" } else { path };
    match (example, real) {
        (Value::Null, _) => {}
        (Value::Object(want), Value::Object(have)) => {
            for (key, value) in want {
                let at = child(path, key);
                match have.get(key) {
                    Some(got) => walk(&at, value, got, out),
                    None => out.push(format!("{at}: missing")),
                }
            }
        }
        (Value::Array(want), Value::Array(have)) => {
            if !want.is_empty() && have.is_empty() {
                out.push(format!(
                    "{}: empty, where the plan shows elements to compare",
                    shown()
                ));
            }
            for (i, got) in have.iter().enumerate() {
                for value in want {
                    walk(&format!("{path}[{i}]"), value, got, out);
                }
            }
        }
        (want, have) if kind(want) == kind(have) => {}
        (want, have) => out.push(format!(
            "{}: the plan shows {}, the server sent {} ({have})",
            shown(),
            kind(want),
            kind(have)
        )),
    }
}

/// What two examples agree on: the key paths both show, with the same
/// type (an object's keys are intersected, recursively); elsewhere `null`,
/// "anything". For a body the plan has no example of whose fields its
/// examples share (a vote's submission, between a prompt's and a copy's).
pub fn common(one: &Value, other: &Value) -> Value {
    match (one, other) {
        (Value::Object(mine), Value::Object(theirs)) => Value::Object(
            mine.iter()
                .filter_map(|(key, value)| {
                    theirs
                        .get(key)
                        .map(|matching| (key.clone(), common(value, matching)))
                })
                .collect(),
        ),
        (Value::Array(mine), Value::Array(theirs)) => match (mine.first(), theirs.first()) {
            (Some(first), Some(matching)) => Value::Array(vec![common(first, matching)]),
            _ => Value::Array(Vec::new()),
        },
        (same, alike) if kind(same) == kind(alike) => same.clone(),
        _ => Value::Null,
    }
}

/// Every way `real` departs from `example`'s shape, one line per key path
/// (empty when it conforms).
pub fn mismatches(example: &Value, real: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk("", example, real, &mut out);
    out.sort();
    out.dedup();
    out
}

/// Asserts that `real` (the answer to `what`) conforms to `example`.
#[track_caller]
pub fn assert_conforms(what: &str, example: &Value, real: &Value) {
    let found = mismatches(example, real);
    assert!(
        found.is_empty(),
        "{what} differs from the plan's example:\n  {}\nthe server sent: {real:#}",
        found.join("\n  ")
    );
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{common, mismatches, plan_example};

    #[test]
    fn a_body_with_every_key_of_the_example_conforms_and_may_add_keys() {
        let example = json!({"a": "x", "b": {"c": 1, "d": null}, "e": [{"f": true}]});
        let real = json!({
            "a": "y", "extra": 3,
            "b": {"c": 2.5, "d": {"any": "thing"}},
            "e": [{"f": false, "g": 1}, {"f": true}]
        });
        assert_eq!(mismatches(&example, &real), Vec::<String>::new());
    }

    #[test]
    fn missing_and_differently_typed_keys_are_named_by_their_path() {
        let example = json!({"a": "x", "b": {"c": 1}, "e": [{"f": true}], "h": 1});
        let real = json!({"a": 1, "b": {}, "e": [{"f": true}, {"f": "no"}], "h": null});
        assert_eq!(
            mismatches(&example, &real),
            vec![
                "a: the plan shows string, the server sent number (1)".to_owned(),
                "b.c: missing".to_owned(),
                "e[1].f: the plan shows bool, the server sent string (\"no\")".to_owned(),
                "h: the plan shows number, the server sent null (null)".to_owned(),
            ]
        );
    }

    #[test]
    fn an_empty_array_cannot_stand_for_elements_the_plan_shows() {
        let example = json!({"rankings": [{"rank": 1}]});
        assert_eq!(
            mismatches(&example, &json!({"rankings": []})),
            vec!["rankings: empty, where the plan shows elements to compare".to_owned()]
        );
        assert_eq!(
            mismatches(&example, &json!({"rankings": {}})),
            vec!["rankings: the plan shows array, the server sent object ({})".to_owned()]
        );
    }

    #[test]
    fn two_examples_share_the_paths_both_show_with_one_type() {
        let prompt =
            json!({"round_type": "prompt", "p": {"mine": 1, "done": 2}, "t": null, "x": 1});
        let copy =
            json!({"round_type": "copy", "p": {"theirs": 1, "done": 2}, "t": {"a": 1}, "x": "1"});
        assert_eq!(
            common(&prompt, &copy),
            json!({"round_type": "prompt", "p": {"done": 2}, "t": null, "x": null})
        );
    }

    #[test]
    fn the_plans_elisions_read_as_an_array_or_object_of_anything() {
        let example = plan_example(r#"{"participants": [...], "progress": {...}}"#);
        assert_eq!(example, json!({"participants": [], "progress": {}}));
        let real = json!({"participants": [{"x": 1}], "progress": {"y": 2}});
        assert!(mismatches(&example, &real).is_empty());
        assert_eq!(
            mismatches(&example, &json!({"participants": [], "progress": []})),
            vec!["progress: the plan shows object, the server sent array ([])".to_owned()]
        );
    }
}
