//! Arbitrary bytes as a response body: decoding and every accessor of the
//! view must return, never panic.

#![no_main]

use cashfree_vkyc::{Api, ApiError, Verification};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for api in [Api::Ppi, Api::VerificationSuite] {
        match Verification::from_response_body(api, body) {
            Err(e) => {
                let _ = (e.to_string(), format!("{e:?}"), e.request_id());
            }
            Ok(v) => {
            let _ = (v.phase(), v.outcome(), v.is_final(), v.needs_user_action(), v.cashfree_id.as_ref().and_then(cashfree_vkyc::CashfreeId::as_i64));
            let _ = (v.sub_status.description(), v.sub_status.recommended_action(), v.status.as_str());
            let _ = v.link_expiry.as_ref().map(|t| (t.timestamp(), t.date()));
            let _ = v.meeting_schedule.as_ref().map(|t| (t.timestamp(), t.date()));
            let _ = v.extra().count();
            let _ = v.raw().len();
            }
        }
    }
    // The same bytes as an error answer, with whatever status.
    let status = body.first().map_or(500, |b| 400 + u16::from(*b));
    let mut headers = http::HeaderMap::new();
    if let Ok(text) = std::str::from_utf8(body.get(..body.len().min(24)).unwrap_or_default()) {
        if let Ok(value) = http::HeaderValue::from_str(text) {
            headers.insert("retry-after", value.clone());
            headers.insert("x-ratelimit-reset", value);
        }
    }
    let e = ApiError::parse(status, &headers, body.to_vec());
    let _ = (e.is_retryable(), e.is_duplicate(), e.to_string(), format!("{e:?}"));
});
