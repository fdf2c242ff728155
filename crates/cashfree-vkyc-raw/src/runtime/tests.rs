use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Debug, serde::Deserialize)]
struct Person {
    name: String,
    dob: String,
}

fn response(status: u16, body: &'static str) -> reqwest::Response {
    http::Response::builder()
        .status(status)
        .header("x-request-id", "req-1")
        .body(body)
        .unwrap()
        .into()
}

#[tokio::test]
async fn a_body_decodes_with_its_status_and_headers() {
    let value: ResponseValue<Person> =
        ResponseValue::from_response::<()>(response(200, r#"{"name":"A","dob":"01-01-1990"}"#))
            .await
            .unwrap();
    assert_eq!(value.status(), 200);
    assert_eq!(value.headers()["x-request-id"], "req-1");
    assert_eq!(value.name, "A");
    assert_eq!(value.into_inner().dob, "01-01-1990");
}

#[tokio::test]
async fn a_body_that_is_not_the_documented_json_is_never_shown() {
    let body = r#"{"name":"Asha Verma","dob":19900101}"#;
    let e = ResponseValue::<Person>::from_response::<()>(response(200, body))
        .await
        .unwrap_err();
    let Error::InvalidResponsePayload(kept, cause) = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        kept.as_ref(),
        body.as_bytes(),
        "the body is kept for matching"
    );
    assert!(
        cause.to_string().contains("19900101"),
        "serde_json quotes it"
    );
    for shown in [e.to_string(), format!("{e:?}"), format!("{e:#}")] {
        assert!(shown.contains("not the documented JSON"), "{shown}");
        assert!(shown.contains("36 bytes"), "{shown}");
        assert!(
            !shown.contains("Asha") && !shown.contains("19900101"),
            "{shown}"
        );
    }
    assert!(std::error::Error::source(&e).is_none());
    assert_eq!(e.status(), None);
}

#[tokio::test]
async fn errors_say_what_failed_and_the_status() {
    let value = ResponseValue::new((), reqwest::StatusCode::NOT_FOUND, Default::default());
    let e = Error::ErrorResponse(value);
    assert_eq!(e.to_string(), "error response: 404 Not Found");
    assert_eq!(
        format!("{e:?}"),
        "ErrorResponse(error response: 404 Not Found)"
    );
    assert_eq!(e.status(), Some(reqwest::StatusCode::NOT_FOUND));
    let e: Error = Error::UnexpectedResponse(response(418, "secret"));
    assert_eq!(e.to_string(), "unexpected response: 418 I'm a teapot");
    let bad = reqwest::header::HeaderValue::from_str("a\nb").unwrap_err();
    let e: Error = bad.into();
    assert!(
        matches!(&e, Error::InvalidRequest(rule) if !rule.is_empty()),
        "{e}"
    );
}

#[test]
fn query_parameters_are_written_once_and_left_out_when_absent() {
    let reference = Some("ref 1&2");
    let request = reqwest::Client::new()
        .get("http://127.0.0.1/vkyc")
        .query(&QueryParam::new("reference_id", &reference))
        .query(&QueryParam::new("verification_id", &None::<&str>))
        .query(&QueryParam::new("page", &2_u32))
        .build()
        .unwrap();
    assert_eq!(request.url().query(), Some("reference_id=ref+1%262&page=2"));
}

#[test]
fn path_parameters_stay_one_segment() {
    assert_eq!(encode_path("a/b c%?#"), "a%2Fb%20c%25%3F%23");
    assert_eq!(encode_path("VKYC-123_x.y~z"), "VKYC-123_x.y~z");
    assert_eq!(
        encode_path("नमस्ते"),
        "%E0%A4%A8%E0%A4%AE%E0%A4%B8%E0%A5%8D%E0%A4%A4%E0%A5%87"
    );
}

#[test]
fn form_bodies_are_url_encoded() {
    let request = RequestBuilderExt::<()>::form_urlencoded(
        reqwest::Client::new().post("http://127.0.0.1/form"),
        &[("a", "x y"), ("b", "1&2")],
    )
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(
        request.headers()[reqwest::header::CONTENT_TYPE],
        "application/x-www-form-urlencoded"
    );
    let body = request.body().and_then(reqwest::Body::as_bytes).unwrap();
    assert_eq!(body, b"a=x+y&b=1%262");
}

/// Every chunk of a chunked response, in order, then the end.
#[tokio::test]
async fn a_streamed_body_arrives_whole_and_ends() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0; 1024];
        let _ = socket.read(&mut request).await.unwrap();
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n")
            .await
            .unwrap();
        socket.flush().await.unwrap();
        tokio::task::yield_now().await;
        socket.write_all(b"6\r\n world\r\n0\r\n\r\n").await.unwrap();
    });
    let response = reqwest::get(format!("http://{address}/file"))
        .await
        .unwrap();
    let mut value = ResponseValue::stream(response);
    assert_eq!(value.status(), 200);
    let mut whole = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut *value).poll_next(cx)).await {
        whole.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(whole, b"hello world");
    let after = std::future::poll_fn(|cx| Pin::new(&mut *value).poll_next(cx)).await;
    assert!(after.is_none(), "an ended stream stays ended");
    server.await.unwrap();
}
