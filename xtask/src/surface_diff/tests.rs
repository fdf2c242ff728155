use super::*;
use crate::surface::{Field, Operation, Param};

fn field(name: &str, ty: &str) -> Field {
    Field {
        name: name.into(),
        ty: ty.into(),
        wire: None,
        pattern: None,
    }
}

fn strukt(name: &str, fields: Vec<Field>) -> TypeDef {
    TypeDef {
        name: name.into(),
        kind: TypeKind::Struct(fields),
    }
}

/// One operation: `Req` in, `Resp` out.
fn surface(req: Vec<Field>, resp: Vec<Field>) -> Surface {
    Surface {
        operations: vec![Operation {
            route: "POST /vkyc".into(),
            function: "initiate".into(),
            params: vec![Param {
                name: "x_api_version".into(),
                ty: "String".into(),
                required: true,
            }],
            body: Some("Req".into()),
            response: "Result<ResponseValue<Resp>, Error<Err>>".into(),
        }],
        types: vec![strukt("Req", req), strukt("Resp", resp)],
    }
}

fn classify(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Vec::new();
    diff_surfaces("m", old, new, &mut out);
    out
}

#[test]
fn removed_response_field_is_breaking() {
    let old = surface(
        vec![],
        vec![field("a", "Option<String>"), field("b", "Option<String>")],
    );
    let new = surface(vec![], vec![field("a", "Option<String>")]);
    let changes = classify(&old, &new);
    assert_eq!(verdict(&changes), Verdict::Breaking, "{changes:?}");
    assert!(changes[0].text.contains("`Resp.b` removed"), "{changes:?}");
}

#[test]
fn a_new_required_request_field_is_breaking_an_optional_one_additive() {
    let old = surface(vec![field("id", "String")], vec![]);
    let required = surface(vec![field("id", "String"), field("user", "String")], vec![]);
    let changes = classify(&old, &required);
    assert_eq!(verdict(&changes), Verdict::Breaking, "{changes:?}");
    assert!(
        changes[0].text.contains("new required request field"),
        "{changes:?}"
    );
    let optional = surface(
        vec![field("id", "String"), field("user", "Option<String>")],
        vec![],
    );
    assert_eq!(verdict(&classify(&old, &optional)), Verdict::Additive);
    // A new response field is additive, required or not.
    let response = surface(vec![field("id", "String")], vec![field("extra", "String")]);
    assert_eq!(verdict(&classify(&old, &response)), Verdict::Additive);
}

#[test]
fn type_changes_and_operations() {
    let old = surface(vec![field("id", "String")], vec![field("n", "Option<i64>")]);
    let retyped = surface(
        vec![field("id", "String")],
        vec![field("n", "Option<String>")],
    );
    assert_eq!(verdict(&classify(&old, &retyped)), Verdict::Breaking);
    let relaxed = surface(
        vec![field("id", "Option<String>")],
        vec![field("n", "Option<i64>")],
    );
    assert_eq!(
        verdict(&classify(&old, &relaxed)),
        Verdict::Additive,
        "a request field that may now be left out"
    );
    let mut more = old.clone();
    more.operations.push(Operation {
        route: "GET /vkyc".into(),
        ..old.operations[0].clone()
    });
    assert_eq!(verdict(&classify(&old, &more)), Verdict::Additive);
    assert_eq!(verdict(&classify(&more, &old)), Verdict::Breaking);
    assert_eq!(verdict(&classify(&old, &old)), Verdict::NoChange);
}

#[test]
fn a_new_value_of_a_closed_response_enum_is_breaking() {
    let mut old = surface(vec![], vec![field("mode", "Mode")]);
    old.types.push(TypeDef {
        name: "Mode".into(),
        kind: TypeKind::Enum {
            untagged: false,
            variants: vec![crate::surface::Variant {
                name: "Sms".into(),
                payload: String::new(),
                wire: Some("SMS".into()),
            }],
        },
    });
    let mut new = old.clone();
    if let TypeKind::Enum { variants, .. } = &mut new.types[2].kind {
        variants.push(crate::surface::Variant {
            name: "Email".into(),
            payload: String::new(),
            wire: Some("EMAIL".into()),
        });
    }
    assert_eq!(verdict(&classify(&old, &new)), Verdict::Breaking);
}

const ROW: &str = "[[sub_status]]\ncode = \"A\"\nstatus = \"RECEIVED\"\nphase = \"received\"\ndescription = \"d\"\naction = \"a\"\noutcome = \"in_progress\"\nfinal = false\nuser_action = false\n";

#[test]
fn the_status_table_is_surface() {
    let mut out = Vec::new();
    let two = format!("{ROW}\n{}", ROW.replace("\"A\"", "\"B\""));
    diff_status_tables(ROW, &two, &mut out).unwrap();
    assert_eq!(verdict(&out), Verdict::Additive, "{out:?}");
    assert!(out[0].text.contains("sub-status `B` added"));
    let mut out = Vec::new();
    diff_status_tables(&two, ROW, &mut out).unwrap();
    assert_eq!(verdict(&out), Verdict::Breaking);
    let mut out = Vec::new();
    diff_status_tables(ROW, &ROW.replace("\"d\"", "\"reworded\""), &mut out).unwrap();
    assert_eq!(verdict(&out), Verdict::Additive);
    let mut out = Vec::new();
    diff_status_tables(ROW, &ROW.replace("final = false", "final = true"), &mut out).unwrap();
    assert_eq!(verdict(&out), Verdict::Breaking);
}
