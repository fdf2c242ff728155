//! `cargo xtask update-specs` and `surface-diff` against a local server
//! that serves the vendored pages at their manifest paths. Nothing here
//! reaches the network.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::{copy_of_workspace, git_status};
use xtask::manifest::Manifest;
use xtask::spec_pr::{self, Outcome};
use xtask::update_specs::{self, Options};
use xtask::{codegen, surface_diff};

/// A server on 127.0.0.1 that answers every manifest URL's path with the
/// vendored file, and the docs index with `index`; `serve` replaces the
/// answer for one path.
struct Upstream {
    _runtime: tokio::runtime::Runtime,
    server: MockServer,
    answers: Answers,
}

type Answers = Arc<Mutex<HashMap<String, ResponseTemplate>>>;

struct Table(Answers);

impl wiremock::Respond for Table {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        self.0
            .lock()
            .unwrap()
            .get(request.url.path())
            .cloned()
            .unwrap_or_else(|| ResponseTemplate::new(404))
    }
}

impl Upstream {
    fn start(root: &Path, index: Option<&str>) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let server = runtime.block_on(MockServer::start());
        let answers: Answers = Arc::default();
        runtime.block_on(
            Mock::given(method("GET"))
                .respond_with(Table(answers.clone()))
                .mount(&server),
        );
        let upstream = Upstream {
            _runtime: runtime,
            server,
            answers,
        };
        // A page not vendored yet has no copy to serve: it is not there.
        for (page, url) in Manifest::read(root)
            .unwrap()
            .fetched()
            .filter(|(page, _)| !page.pending)
        {
            let text = std::fs::read_to_string(root.join(&page.path)).unwrap();
            upstream.serve(
                url,
                ResponseTemplate::new(200).set_body_raw(text, "text/markdown"),
            );
        }
        if let Some(index) = index {
            upstream.serve(
                update_specs::INDEX,
                ResponseTemplate::new(200).set_body_raw(index.to_owned(), "text/plain"),
            );
        }
        upstream
    }

    /// Answers `url`'s path with `response` from now on.
    fn serve(&self, url: &str, response: ResponseTemplate) {
        let url_path = reqwest::Url::parse(url).unwrap().path().to_owned();
        self.answers.lock().unwrap().insert(url_path, response);
    }

    fn options(&self) -> Options {
        Options {
            from: Some(self.server.uri()),
            timeout: Duration::from_secs(1),
        }
    }
}

fn url_of(root: &Path, vendored: &str) -> String {
    Manifest::read(root)
        .unwrap()
        .pages
        .into_iter()
        .find(|p| p.path == vendored)
        .and_then(|p| p.url)
        .unwrap()
}

const VS_INITIATE: &str = "specs/sources/verification-suite/initiate-vkyc.md";
const VS_STATUS: &str = "specs/sources/verification-suite/get-vkyc-status.md";

#[test]
fn unchanged_pages_check_clean_and_one_change_writes_one_file() {
    let root = copy_of_workspace("update-one");
    let upstream = Upstream::start(&root, Some("# Cashfree docs\n"));
    let report = update_specs::check(&root, &upstream.options()).unwrap();
    assert!(report.changed.is_empty(), "{report:?}");
    assert!(report.warnings.is_empty(), "{report:?}");

    // Cashfree rewords one page.
    let text = std::fs::read_to_string(root.join(VS_STATUS)).unwrap();
    upstream.serve(
        &url_of(&root, VS_STATUS),
        ResponseTemplate::new(200).set_body_raw(
            text.replacen("Get VKYC", "Get Video KYC", 1)
                .replace('\n', "\r\n"),
            "text/markdown",
        ),
    );
    let report = update_specs::check(&root, &upstream.options()).unwrap();
    assert_eq!(report.changed, [VS_STATUS]);
    assert_eq!(git_status(&root, "specs/"), "", "--check writes nothing");
    let report = update_specs::update(&root, &upstream.options()).unwrap();
    assert_eq!(report.changed, [VS_STATUS]);
    assert_eq!(git_status(&root, "specs/"), format!(" M {VS_STATUS}\n"));
    let written = std::fs::read_to_string(root.join(VS_STATUS)).unwrap();
    assert!(!written.contains('\r'), "line endings are normalized");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_shared_component_changed_in_both_pages_is_one_additive_change() {
    let root = copy_of_workspace("update-shared");
    let upstream = Upstream::start(&root, None);
    for page in [VS_INITIATE, VS_STATUS] {
        let text = std::fs::read_to_string(root.join(page)).unwrap();
        let changed = text.replace(
            "    ErrorResponseSchema:\n      type: object\n      properties:\n",
            "    ErrorResponseSchema:\n      type: object\n      properties:\n        help_url:\n          type: string\n          description: Where the error is explained.\n",
        );
        assert_ne!(changed, text, "{page} has the component");
        upstream.serve(
            &url_of(&root, page),
            ResponseTemplate::new(200).set_body_raw(changed, "text/markdown"),
        );
    }
    let report = update_specs::update(&root, &upstream.options()).unwrap();
    assert_eq!(report.changed, [VS_INITIATE, VS_STATUS]);
    assert!(
        report.warnings.iter().any(|w| w.contains("docs index")),
        "a missing index is a warning: {report:?}"
    );
    codegen::write(&root).expect("the merged pages agree, so codegen succeeds");
    let changes = surface_diff::diff(&root, "HEAD").unwrap();
    let markdown = surface_diff::markdown(&changes, "HEAD");
    assert!(markdown.starts_with("verdict: additive\n"), "{markdown}");
    assert!(
        markdown.contains("`verification_suite`: field `ErrorResponseSchema.help_url`: new optional field (`Option<String>`)"),
        "{markdown}"
    );
    surface_diff::write_changelog(&root, &changes).unwrap();
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## Unreleased\n\n### Added\n\n- `verification_suite`: field `ErrorResponseSchema.help_url`"), "{changelog}");
    // Written twice, listed once.
    surface_diff::write_changelog(&root, &changes).unwrap();
    assert_eq!(
        std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap(),
        changelog
    );
    eprintln!("{markdown}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn every_fault_names_the_page_and_writes_nothing() {
    let root = copy_of_workspace("update-faults");
    let status_page = url_of(&root, VS_STATUS);
    let no_block = std::fs::read_to_string(root.join(VS_STATUS))
        .unwrap()
        .replace("```yaml", "```text");
    let faults: Vec<(ResponseTemplate, &str)> = vec![
        (ResponseTemplate::new(404), "HTTP 404"),
        (ResponseTemplate::new(500), "HTTP 500"),
        (
            ResponseTemplate::new(200).set_delay(Duration::from_secs(5)),
            "timed out",
        ),
        (
            ResponseTemplate::new(200)
                .set_body_raw("<!DOCTYPE html><html><body>Docs</body></html>", "text/html"),
            "an HTML page where Markdown was expected",
        ),
        (
            ResponseTemplate::new(200).set_body_raw(no_block, "text/markdown"),
            "no longer embeds an OpenAPI block",
        ),
    ];
    for (response, reason) in faults {
        let upstream = Upstream::start(&root, None);
        // Another page changed too: it must not be written either.
        let other =
            std::fs::read_to_string(root.join(VS_INITIATE)).unwrap() + "\nA new paragraph.\n";
        upstream.serve(
            &url_of(&root, VS_INITIATE),
            ResponseTemplate::new(200).set_body_raw(other, "text/markdown"),
        );
        upstream.serve(&status_page, response);
        let error = format!(
            "{:#}",
            update_specs::update(&root, &upstream.options()).unwrap_err()
        );
        assert!(
            error.contains(VS_STATUS) && error.contains(reason),
            "{reason}: {error}"
        );
        assert!(!error.contains(VS_INITIATE), "{error}");
        assert_eq!(git_status(&root, "specs/"), "", "{reason}: nothing written");
    }
    // The server cannot be reached at all.
    let options = Options {
        from: Some("http://127.0.0.1:1".into()),
        timeout: Duration::from_secs(1),
    };
    let error = format!("{:#}", update_specs::update(&root, &options).unwrap_err());
    assert!(error.contains("connection failed"), "{error}");
    assert_eq!(git_status(&root, "specs/"), "");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn pages_published_but_not_vendored_are_reported_and_can_be_added() {
    let root = copy_of_workspace("update-discover");
    let index = "# Cashfree Docs\n\n\
        - [Initiate VKYC](https://www.cashfree.com/docs/api-reference/vrs/v2/video-kyc/initiate-vkyc.md): start\n\
        - [VKYC descriptions](https://www.cashfree.com/docs/api-reference/vrs/v2/video-kyc/vkyc-descriptions.md): statuses\n\
        - [Payments](https://www.cashfree.com/docs/payments/online/intro.md): not Video KYC\n";
    let upstream = Upstream::start(&root, Some(index));
    let report = update_specs::check(&root, &upstream.options()).unwrap();
    assert_eq!(
        report.unvendored,
        ["https://www.cashfree.com/docs/api-reference/vrs/v2/video-kyc/vkyc-descriptions.md"]
    );
    assert!(report.changed.is_empty());

    // Vendor it: a status reference in Mintlify's form.
    let page = "---\ntitle: VKYC status descriptions\n---\n\n\
        <Accordion title=\"REJECTED - Request rejected\">\n\n| Sub-status | Description |\n| --- | --- |\n| `INSUFFICIENT_BALANCE` | Insufficient balance |\n\n</Accordion>\n\n\
        <Accordion title=\"RECEIVED - Request accepted\">\n\n| Sub-status | Description |\n| --- | --- |\n| `LINK_GENERATED` | Link generated |\n\n</Accordion>\n\n\
        <Accordion title=\"VIDEO_CALL - Video call\">\n\n| Sub-status | Description |\n| --- | --- |\n| `USER_ACCEPTED_MEETING` | Accepted |\n\n</Accordion>\n";
    let url = "https://www.cashfree.com/docs/api-reference/vrs/v2/video-kyc/vkyc-descriptions.md";
    upstream.serve(
        url,
        ResponseTemplate::new(200).set_body_raw(page, "text/markdown"),
    );
    let report = update_specs::add(&root, url, None, &upstream.options()).unwrap();
    let added = "specs/sources/verification-suite/vkyc-descriptions.md";
    assert_eq!(report.changed, [added]);
    let manifest = Manifest::read(&root).unwrap();
    let entry = manifest.pages.iter().find(|p| p.path == added).unwrap();
    assert_eq!(entry.kind, xtask::manifest::Kind::Status);
    let listed = update_specs::list(&root).unwrap();
    assert!(listed.contains(&format!("{added} {url}")), "{listed:?}");
    // Now vendored: no longer reported, and the check passes.
    let report = update_specs::check(&root, &upstream.options()).unwrap();
    assert!(
        report.unvendored.is_empty() && report.changed.is_empty(),
        "{report:?}"
    );
    // The page names the status of USER_ACCEPTED_MEETING, which the table
    // leaves unpublished: codegen names the disagreement.
    let error = format!("{:#}", codegen::stale(&root).unwrap_err());
    assert!(
        error.contains("puts USER_ACCEPTED_MEETING under VIDEO_CALL")
            && !error.contains("LINK_GENERATED")
            && !error.contains("INSUFFICIENT_BALANCE"),
        "{error}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

const STATUS_PAGE: &str = "specs/sources/vkyc-status-codes.page.txt";

/// Serves `page` as `change` makes it, runs the weekly workflow's step,
/// and returns its outcome and the pull request's body.
fn pull_request(tag: &str, page: &str, change: impl Fn(&str) -> String) -> (Outcome, String) {
    let root = copy_of_workspace(tag);
    let upstream = Upstream::start(&root, None);
    let text = std::fs::read_to_string(root.join(page)).unwrap();
    let changed = change(&text);
    assert_ne!(changed, text, "{tag}: the change applies to {page}");
    upstream.serve(
        &url_of(&root, page),
        ResponseTemplate::new(200).set_body_raw(changed, "text/markdown"),
    );
    let (outcome, body) = spec_pr::run(&root, &upstream.options(), "HEAD").unwrap();
    eprintln!("===== {tag}: {}\n{body}", outcome.as_str());
    std::fs::remove_dir_all(&root).unwrap();
    (outcome, body)
}

const VKYC_LINK: &str = "        vkyc_link:\n          type: string\n          description: It displays the URL of the vKYC form.\n";

#[test]
fn a_new_optional_response_field_names_the_operation_the_items_and_each_crate() {
    let (outcome, body) = pull_request("pr-new-field", VS_STATUS, |text: &str| {
        text.replace(
                VKYC_LINK,
                &format!("        liveness_score:\n          type: number\n          format: double\n          nullable: true\n          description: How sure Cashfree is that the user was live.\n{VKYC_LINK}"),
            )
    });
    assert_eq!(outcome, Outcome::Regenerated);
    for expected in [
        "verdict: cashfree-vkyc-raw breaking, cashfree-vkyc none, cashfree-vkyc-sandbox none, cashfree-vkyc-redis none, cashfree-vkyc-cli none",
        "### `GET /verification/vkyc` (verification_suite)",
        "- 200 response `/liveness_score`: **added**: number (double), nullable, optional — Cashfree: “How sure Cashfree is that the user was live.”",
        "`cashfree-vkyc-raw`: `verification_suite::types::GetVkycLinkResponseSchema::liveness_score`",
        "`cashfree-vkyc`: not modeled by `Verification`; reaches users through `Verification::extra()` and `raw()`, under `liveness_score`",
        "`cashfree-vkyc-sandbox`: does not send `liveness_score`",
        "a struct literal",
        "<details><summary>The pages' diff</summary>",
        "+        liveness_score:",
    ] {
        assert!(body.contains(expected), "{expected:?} not in:\n{body}");
    }
}

#[test]
fn a_removed_modeled_field_breaks_the_facade_by_hand() {
    let (outcome, body) = pull_request("pr-removed-field", VS_STATUS, |text: &str| {
        let schema = text
            .split_once("        recording_link:\n          type: string\n")
            .map(|(before, after)| {
                let rest = after.split_once("        meeting_schedule:").unwrap().1;
                format!("{before}        meeting_schedule:{rest}")
            })
            .unwrap();
        schema.replace(
                "                recording_link: https://storage.cashfree.com/vkyc/recordings/test333.mp4\n",
                "",
            )
    });
    assert_eq!(outcome, Outcome::Regenerated);
    for expected in [
        "verdict: cashfree-vkyc-raw breaking, cashfree-vkyc breaking,",
        "- 200 response `/recording_link`: **removed** (was string, nullable, optional",
        "`cashfree-vkyc`: `Verification::recording_link` is built from `recording_link`",
        "the facade needs a hand change",
        "`cashfree-vkyc-sandbox`: sends `recording_link`",
        "field `GetVkycLinkResponseSchema.recording_link` removed",
    ] {
        assert!(body.contains(expected), "{expected:?} not in:\n{body}");
    }
}

/// The status page in the Markdown form of Cashfree's export (phase
/// accordions around tables), listing every sub-status of the table with a
/// published status, and `extra` rows under `PRE_VIDEO_CALL`.
fn status_page_markdown(root: &Path, extra: &[&str]) -> String {
    let table = std::fs::read_to_string(root.join("specs/status-codes.toml")).unwrap();
    let mut phases: Vec<(String, Vec<String>)> = Vec::new();
    let mut code = String::new();
    for line in table.lines() {
        if let Some(v) = line.strip_prefix("code = ") {
            code = v.trim_matches('"').to_owned();
        } else if let Some(v) = line.strip_prefix("status = ") {
            let status = v.trim_matches('"').to_owned();
            if status.is_empty() {
                continue;
            }
            match phases.iter_mut().find(|(s, _)| *s == status) {
                Some((_, codes)) => codes.push(code.clone()),
                None => phases.push((status, vec![code.clone()])),
            }
        }
    }
    let mut page = String::from("---\ntitle: \"VKYC status descriptions\"\n---\n\n");
    for (status, codes) in phases {
        page.push_str(&format!(
            "<Accordion title=\"{status} - phase\">\n| Sub-status | Description | Recommended action |\n| --- | --- | --- |\n"
        ));
        for code in codes
            .iter()
            .map(String::as_str)
            .chain(extra.iter().copied().filter(|_| status == "PRE_VIDEO_CALL"))
        {
            page.push_str(&format!(
                "| `{code}` | What {code} means. | What to do. |\n"
            ));
        }
        page.push_str("</Accordion>\n\n");
    }
    page
}

#[test]
fn a_new_sub_status_says_what_the_facade_and_the_sandbox_make_of_it() {
    let (outcome, body) = pull_request("pr-sub-status", STATUS_PAGE, |_: &str| {
        status_page_markdown(&workspace_tests::root(), &["USER_NETWORK_CHECK_FAILED"])
    });
    assert_eq!(outcome, Outcome::NeedsStatusRows);
    for expected in [
        "verdict: needs status-table rows (then: cashfree-vkyc-raw none, cashfree-vkyc additive,",
        "- `USER_NETWORK_CHECK_FAILED`, under status `PRE_VIDEO_CALL`: reported in `sub_status` by `GET /verification/vkyc`, `POST /ppi/kyc/vkyc/status`",
        "arrives as `SubStatus::Unknown(\"USER_NETWORK_CHECK_FAILED\")` until the row is added, then as `SubStatus::UserNetworkCheckFailed`",
        "no sandbox scenario reaches it",
        "specs/status-codes.toml has no such sub-status",
        "+| `USER_NETWORK_CHECK_FAILED` |",
    ] {
        assert!(body.contains(expected), "{expected:?} not in:\n{body}");
    }
    // The same page without the new row is taken as it is.
    let (outcome, body) = pull_request("pr-status-form", STATUS_PAGE, |_: &str| {
        status_page_markdown(&workspace_tests::root(), &[])
    });
    assert_eq!(outcome, Outcome::Regenerated, "{body}");
}

#[test]
fn a_page_that_contradicts_itself_asks_for_an_overlay() {
    let (outcome, body) = pull_request("pr-contradiction", VS_STATUS, |text: &str| {
        // The schema loses the field; the example keeps it.
        let (before, after) = text
            .split_once("        meeting_schedule:\n          type: string\n")
            .unwrap();
        let rest = after.split_once("        auditor_remarks:").unwrap().1;
        format!("{before}        auditor_remarks:{rest}")
    });
    assert_eq!(outcome, Outcome::NeedsOverlay);
    for expected in [
        "verdict: needs an overlay",
        "meeting_schedule",
        "specs/overlays/",
        "-        meeting_schedule:",
    ] {
        assert!(body.contains(expected), "{expected:?} not in:\n{body}");
    }
}

#[test]
fn an_exported_mirror_is_what_from_reads() {
    let root = copy_of_workspace("export-mirror");
    let dir = root.join("mirror");
    let written = update_specs::export_mirror(&root, &dir).unwrap();
    assert!(written.len() >= 5, "{written:?}");
    // A static server over the folder: every file at its path.
    let upstream = Upstream::start(&root, None);
    upstream.answers.lock().unwrap().clear();
    for file in &written {
        let path = format!("/{}", file.strip_prefix(&dir).unwrap().display());
        upstream.serve(
            &format!("http://mirror{path}"),
            ResponseTemplate::new(200).set_body_raw(std::fs::read(file).unwrap(), "text/markdown"),
        );
    }
    let report = update_specs::check(&root, &upstream.options()).unwrap();
    assert!(report.changed.is_empty(), "{report:?}");
    assert!(
        report.warnings.is_empty(),
        "the index is there too: {report:?}"
    );
    assert!(report.unvendored.is_empty(), "{report:?}");
    std::fs::remove_dir_all(&root).unwrap();
}
