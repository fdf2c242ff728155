//! Webhook verification of a 1 KiB body against the bare HMAC-SHA256 over
//! the same bytes (RustCrypto's, and aws-lc-rs's, which the facade uses),
//! in one run.
//!
//! `cargo bench -p workspace-tests --bench webhook_verify`; or, for
//! counting instructions under `valgrind --tool=callgrind`,
//! `webhook_verify --count bare_hmac_aws_lc|verify_parse_key N` (N runs of
//! one subject and no measurement); or `webhook_verify --paired ROUNDS`,
//! the receiver's work against bare HMAC in interleaved pairs.

use cashfree_vkyc::webhook::{
    ATTEMPT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, VERSION_HEADER, Verifier, body_signature,
    header_signature,
};
use criterion::{Criterion, criterion_group};
use hmac::{Hmac, Mac};
use http::HeaderMap;
use serde_json::json;
use std::hint::black_box;

fn body_of_1kib() -> Vec<u8> {
    let mut data = json!({"verification_id": "bench-verification-0001", "cf_verification_id": "8901234567890123458",
        "user_id": "USER827364", "status": "PRE_VIDEO_CALL", "sub_status": "USER_DEVICE_CHECK_SUCCESS",
        "vkyc_link": "https://vkyc.cashfree.com/session/abc123", "link_expiry": "2026-06-03",
        "meeting_schedule": "", "recording_link": ""});
    let mut body = json!({"event_type": "VKYC_USER_PRECHECK_FAILED", "event_time": "2026-06-01T10:00:00.000Z", "data": data});
    let padding = 1024 - serde_json::to_vec(&body).unwrap().len() - r#","note":"""#.len();
    data["note"] = json!("x".repeat(padding));
    body["data"] = data;
    let bytes = serde_json::to_vec(&body).unwrap();
    assert_eq!(bytes.len(), 1024);
    bytes
}

/// A 1 KiB delivery signed with the header scheme, and a verifier for it.
struct Signed {
    secret: &'static str,
    body: Vec<u8>,
    timestamp: String,
    signature: String,
    verifier: Verifier,
    headers: HeaderMap,
}

fn signed() -> Signed {
    let secret = "cfsk_ma_prod_bench_secret";
    let body = body_of_1kib();
    let now = 1_780_308_000_000u64;
    let timestamp = now.to_string();
    let signature = header_signature(secret, &timestamp, &body);
    let verifier = Verifier::new(secret).now_millis(now);
    let mut headers = HeaderMap::new();
    headers.insert(TIMESTAMP_HEADER, timestamp.parse().unwrap());
    headers.insert(SIGNATURE_HEADER, signature.parse().unwrap());
    headers.insert(ATTEMPT_HEADER, "1".parse().unwrap());
    headers.insert(VERSION_HEADER, "2025-01-01".parse().unwrap());
    headers.insert("content-type", "application/json".parse().unwrap());
    Signed {
        secret,
        body,
        timestamp,
        signature,
        verifier,
        headers,
    }
}

/// What a receiver does with each delivery: verify, parse once, and the
/// delivery key that parse yields (ExactlyOnce claims it).
fn verify_parse_key(s: &Signed) -> usize {
    let event = s
        .verifier
        .verify(&s.headers, black_box(&s.body[..]))
        .unwrap()
        .parse()
        .unwrap();
    event.delivery_key().len()
}

/// The same HMAC through aws-lc-rs, the library the facade verifies with.
fn bare_hmac_aws_lc(s: &Signed, key: &aws_lc_rs::hmac::Key) -> aws_lc_rs::hmac::Tag {
    let mut mac = aws_lc_rs::hmac::Context::with_key(key);
    mac.update(s.timestamp.as_bytes());
    mac.update(black_box(&s.body));
    mac.sign()
}

fn bench(c: &mut Criterion) {
    let signed = signed();
    let Signed {
        secret,
        body,
        timestamp,
        signature,
        verifier,
        headers,
    } = &signed;
    let secret = *secret;
    let mut group = c.benchmark_group("webhook_1kib");
    group.throughput(criterion::Throughput::Elements(1));
    group.bench_function("bare_hmac", |b| {
        b.iter(|| {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(timestamp.as_bytes());
            mac.update(black_box(body));
            black_box(mac.finalize().into_bytes())
        })
    });
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret.as_bytes());
    group.bench_function("bare_hmac_aws_lc", |b| {
        b.iter(|| black_box(bare_hmac_aws_lc(&signed, &key)))
    });
    // Verification alone: the one entry point, from a header map.
    group.bench_function("verify", |b| {
        b.iter(|| black_box(verifier.verify(headers, black_box(&body[..])).unwrap()))
    });
    group.bench_function("verify_signed_headers", |b| {
        b.iter(|| {
            black_box(
                verifier
                    .verify_signed_headers(Some(signature), Some(timestamp), black_box(&body[..]))
                    .unwrap(),
            )
        })
    });
    // Reading the verified bytes as an event, measured on its own.
    let delivery = verifier.verify(headers, &body[..]).unwrap();
    group.bench_function("parse", |b| {
        b.iter(|| black_box(black_box(&delivery).parse().unwrap()))
    });
    group.bench_function("verify_parse_key", |b| {
        b.iter(|| black_box(verify_parse_key(&signed)))
    });
    let parsed: serde_json::Value = serde_json::from_slice(body).unwrap();
    let vs_signature = body_signature(secret, parsed["data"].as_object().unwrap());
    let mut vs = parsed.clone();
    vs["signature"] = json!(vs_signature);
    let vs_body = serde_json::to_vec(&vs).unwrap();
    group.bench_function("verify_signed_body", |b| {
        b.iter(|| {
            black_box(
                verifier
                    .verify(&HeaderMap::new(), black_box(&vs_body[..]))
                    .unwrap(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);

fn count(subject: &str, n: usize) {
    let signed = signed();
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, signed.secret.as_bytes());
    for _ in 0..n {
        match subject {
            "bare_hmac_aws_lc" => {
                black_box(bare_hmac_aws_lc(&signed, &key));
            }
            "verify_parse_key" => {
                black_box(verify_parse_key(&signed));
            }
            other => panic!("no subject {other}"),
        }
    }
}

/// `webhook_verify --paired ROUNDS [verify|parse|verify_parse_key]`: a
/// subject (by default what a receiver does) against bare HMAC-SHA256
/// (aws-lc-rs), measured in interleaved pairs.
fn paired(rounds: usize, subject: &str) {
    let signed = signed();
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, signed.secret.as_bytes());
    let delivery = signed
        .verifier
        .verify(&signed.headers, &signed.body[..])
        .unwrap();
    let run: Box<dyn Fn()> = match subject {
        "verify" => Box::new(|| {
            black_box(
                signed
                    .verifier
                    .verify(&signed.headers, black_box(&signed.body[..]))
                    .unwrap(),
            );
        }),
        "parse" => Box::new(|| {
            black_box(black_box(&delivery).parse().unwrap());
        }),
        "verify_parse_key" => Box::new(|| {
            black_box(verify_parse_key(&signed));
        }),
        other => panic!("no subject {other}"),
    };
    let (median, q1, q3) = workspace_tests::bench::paired_ratio(
        rounds,
        2000,
        || {
            black_box(bare_hmac_aws_lc(&signed, &key));
        },
        run,
    );
    println!(
        "{subject} / bare_hmac_aws_lc over {rounds} paired rounds: median {median:.3}×, quartiles {q1:.3}–{q3:.3}×"
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--count") {
        count(&args[i + 1], args[i + 2].parse().unwrap());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--paired") {
        let subject = args.get(i + 2).map_or("verify_parse_key", String::as_str);
        paired(args[i + 1].parse().unwrap(), subject);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
    for subject in [
        "verify",
        "verify_signed_headers",
        "verify_signed_body",
        "parse",
        "verify_parse_key",
    ] {
        workspace_tests::bench::report_ratio("webhook_1kib", subject, "bare_hmac");
        workspace_tests::bench::report_ratio("webhook_1kib", subject, "bare_hmac_aws_lc");
        if let Some(ns) = workspace_tests::bench::median_ns("webhook_1kib", subject) {
            println!("  {subject}: {:.0} per second on one core", 1e9 / ns);
        }
    }
}
