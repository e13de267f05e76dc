use testrig::http::{BlockingMockServer, Mock, ResponseTemplate, get, matchers, sequence};

use crate::send;

#[test]
fn sequence_answers_in_order_then_repeats_the_last() {
    let s = BlockingMockServer::start();
    s.mount(
        Mock::given(matchers::path("/flaky")).respond_with(sequence([
            ResponseTemplate::new(503),
            ResponseTemplate::new(502),
            ResponseTemplate::new(200),
        ])),
    );
    let statuses: Vec<u16> = (0..5)
        .map(|_| send("GET", &s.url("/flaky"), None))
        .collect();
    assert_eq!(statuses, [503, 502, 200, 200, 200]);
    s.assert_received(get("/flaky").times(5));
}

#[test]
fn sequence_then_answers_differently_once_used_up() {
    let s = BlockingMockServer::start();
    s.mount(
        Mock::given(matchers::path("/once"))
            .respond_with(sequence([ResponseTemplate::new(201)]).then(ResponseTemplate::new(500))),
    );
    let statuses: Vec<u16> = (0..3).map(|_| send("GET", &s.url("/once"), None)).collect();
    assert_eq!(statuses, [201, 500, 500]);
}

#[test]
fn empty_sequence_answers_500() {
    let s = BlockingMockServer::start();
    s.mount(Mock::given(matchers::any()).respond_with(sequence([])));
    assert_eq!(send("GET", &s.url("/"), None), 500);
}
