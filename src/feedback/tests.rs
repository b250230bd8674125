//! The decision, the ticket and the invitation on answers we wrote.

use super::*;

fn options() -> FeedbackOptions {
    let settings: Settings = [("reviewUrl", "https://shop.example/reviews/new")]
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Text(v.to_string())))
        .collect();
    FeedbackOptions::from_settings(&settings).expect("valid options")
}

fn answers(f: impl FnOnce(&mut FeedbackAnswers)) -> FeedbackAnswers {
    let mut a = FeedbackAnswers { order_id: "A-1001".into(), ..FeedbackAnswers::default() };
    f(&mut a);
    a
}

#[test]
fn a_happy_customer_gets_the_invitation_and_no_ticket() {
    let a = answers(|a| {
        a.arrived_as_expected = Some(true);
        a.delivery_smooth = Some(true);
        a.satisfaction = Some(5.0);
        a.needs_help = Some(false);
        a.comment = Some("Lovely quality, fits perfectly.".into());
    });
    let r = assess(&a, &options()).expect("assessed");
    assert!(!r.unhappy, "{:?}", r.reasons);
    assert_eq!(r.ticket, None);
    assert_eq!(r.follow_up, None);
    assert_eq!(r.invitation.url, "https://shop.example/reviews/new");
}

#[test]
fn an_unhappy_customer_gets_a_ticket_and_the_same_invitation() {
    let happy = assess(&answers(|a| a.satisfaction = Some(5.0)), &options()).expect("assessed");
    let a = answers(|a| {
        a.arrived_as_expected = Some(false);
        a.satisfaction = Some(1.0);
        a.needs_help = Some(true);
        a.comment = Some("The box was crushed and the glass cracked. Still waiting for my refund.".into());
    });
    let r = assess(&a, &options()).expect("assessed");
    assert!(r.unhappy);
    assert_eq!(r.invitation, happy.invitation, "the invitation must not depend on the answers");
    let ids: Vec<_> = r.reasons.iter().map(|x| x.id()).collect();
    assert!(ids.contains(&"not_as_expected") && ids.contains(&"low_satisfaction") && ids.contains(&"needs_help"), "{ids:?}");
    let t = r.ticket.expect("a ticket");
    let causes: Vec<_> = t.root_causes.iter().map(|c| c.id.id()).collect();
    assert!(causes.contains(&"damaged_in_transit") && causes.contains(&"refund"), "{causes:?}");
    assert_eq!(t.order_id, "A-1001");
    assert_eq!(t.answers, a);
    assert!(t.priority >= Priority::High, "{:?}", t.priority);
    assert!(t.suggested_response.contains("arrived damaged"), "{}", t.suggested_response);
    assert!(r.follow_up.expect("follow-up").contains("within one business day"));
}

#[test]
fn a_negative_comment_alone_makes_a_customer_unhappy() {
    let r = assess(&answers(|a| a.comment = Some("Stopped working after two days, waste of money.".into())), &options())
        .expect("assessed");
    assert!(r.unhappy);
    let t = r.ticket.expect("ticket");
    assert!(t.root_causes.iter().any(|c| c.id == Category::Quality), "{:?}", t.root_causes);
}

#[test]
fn a_safety_comment_is_urgent() {
    let a = answers(|a| {
        a.satisfaction = Some(4.0);
        a.comment = Some("The charger caught fire on the first night.".into());
    });
    let r = assess(&a, &options()).expect("assessed");
    let t = r.ticket.expect("ticket");
    assert_eq!(t.priority, Priority::Urgent);
    assert!(t.risks.contains(&Risk::Safety));
    assert!(t.suggested_response.contains("stop using"));
}

#[test]
fn answers_without_a_comment_still_decide() {
    let r = assess(&answers(|a| a.delivery_smooth = Some(false)), &options()).expect("assessed");
    assert_eq!(r.reasons, vec![Reason::DeliveryNotSmooth]);
    let t = r.ticket.expect("ticket");
    assert!(t.root_causes.is_empty());
    assert_eq!(t.comment, None);
    assert_eq!(t.priority, Priority::Normal);
    assert!(t.suggested_response.contains("delivery did not go smoothly"));
}

#[test]
fn bad_answers_are_refused_clearly() {
    assert_eq!(assess(&answers(|a| a.order_id = " ".into()), &options()), Err(FeedbackError::MissingOrderId));
    for s in [0.0, 6.0, 2.5, f64::NAN] {
        let e = assess(&answers(|a| a.satisfaction = Some(s)), &options()).unwrap_err();
        assert!(e.to_string().contains("whole number from 1 to 5"), "{e}");
    }
    let long = "a".repeat(MAX_COMMENT_CHARS + 1);
    assert!(assess(&answers(|a| a.comment = Some(long)), &options()).unwrap_err().to_string().contains("limit"));
}

#[test]
fn the_invitation_wording_is_the_same_for_everyone() {
    let variants = [
        answers(|_| {}),
        answers(|a| a.satisfaction = Some(1.0)),
        answers(|a| a.comment = Some("Absolutely love it!".into())),
        answers(|a| a.comment = Some("Scam. Never ordering again, I'm filing a chargeback.".into())),
    ];
    let texts: Vec<_> = variants.iter().map(|a| assess(a, &options()).expect("assessed").invitation).collect();
    assert!(texts.windows(2).all(|w| w[0] == w[1]), "{texts:?}");
    assert_eq!(texts[0].text, "Tell other shoppers about your experience.");
}
