//! The outbox end to end: queueing in a transaction, delivery to a real SMTP
//! server, retries while it is down, restarts, the file transport and the
//! backoff schedule. Time is passed to the worker, never waited for.

mod support;

use glasshouse::config::Config;
use glasshouse::mail::backoff::{GIVE_UP_AFTER, LONGEST_WAIT, base_wait};
use glasshouse::mail::outbox::OutboxReads;
use glasshouse::mail::worker::{Worker, file_stem};
use glasshouse::mail::{self, Kind, OUTBOX, Outgoing, Queued, Status, messages};
use glasshouse::store::{self, Store, encode};
use jiff::{SignedDuration, Timestamp};
use support::*;

fn get(store: &Store, id: u64) -> Queued {
    store
        .read(|txn| txn.outbox_get(id))
        .unwrap()
        .expect("the message exists")
}

fn expected_message_id(store: &Store, id: u64, host: &str) -> String {
    let key = store.read(|txn| txn.message_id_key()).unwrap();
    format!("<outbox-{id}.{key:016x}@{host}>")
}

#[actix_web::test]
async fn delivers_both_parts_and_the_headers_over_smtp() {
    let dir = tempfile::tempdir().unwrap();
    let server = SmtpServer::start();
    let config = smtp_config(dir.path(), server.port);
    let store = open(dir.path());
    let now = Timestamp::now();
    let link = "https://hours.agency.example/portal/invite/abc123";
    let digest_id = queue(&store, digest("Ada <ada@client.example>"), now).await;
    let invitation = messages::portal_invitation("Fern & Oak", "bo@client.example", "Bo", link);
    let invitation_id = queue(&store, invitation, now).await;

    let worker = Worker::new(store.clone(), &config).await.unwrap();
    let pass = worker.deliver_due(now).await.unwrap();
    assert_eq!(pass.sent, 2);
    assert_eq!(pass.retrying + pass.dead, 0);

    let received = server.received();
    assert_eq!(received.len(), 2);
    let find = |to: &str| {
        received
            .iter()
            .find(|r| r.to.iter().any(|t| t.contains(to)))
            .unwrap_or_else(|| panic!("a message for {to}"))
    };

    let digest_mail = find("ada@client.example");
    assert!(digest_mail.from.contains("studio@agency.example"));
    let parsed = digest_mail.parsed();
    assert_eq!(parsed.ctype.mimetype, "multipart/alternative");
    let text = part(&parsed, "text/plain").expect("a text/plain part");
    let html = part(&parsed, "text/html").expect("a text/html part");
    assert!(text.contains("12.5 h on Website relaunch"));
    assert!(html.contains("<a href=\"https://hours.agency.example/p/website\">"));
    assert_eq!(
        header(&parsed, "Subject").unwrap(),
        "Your week at Fern & Oak"
    );
    assert!(
        header(&parsed, "From")
            .unwrap()
            .contains("studio@agency.example")
    );
    assert!(
        header(&parsed, "To")
            .unwrap()
            .contains("ada@client.example")
    );
    assert!(header(&parsed, "Date").is_some());
    assert_eq!(
        header(&parsed, "Message-ID").unwrap(),
        expected_message_id(&store, digest_id, "hours.agency.example")
    );
    assert_eq!(
        header(&parsed, "List-Unsubscribe").unwrap(),
        "<https://hours.agency.example/unsubscribe/tok123>"
    );
    assert_eq!(
        header(&parsed, "List-Unsubscribe-Post").unwrap(),
        "List-Unsubscribe=One-Click"
    );

    let invitation_mail = find("bo@client.example").parsed();
    assert!(header(&invitation_mail, "List-Unsubscribe").is_none());
    assert!(part(&invitation_mail, "text/plain").unwrap().contains(link));
    assert!(part(&invitation_mail, "text/html").unwrap().contains(link));
    assert!(header(&invitation_mail, "To").unwrap().contains("Bo"));

    for id in [digest_id, invitation_id] {
        let sent = get(&store, id);
        assert_eq!(sent.status, Status::Sent);
        assert!(sent.sent_at.is_some());
    }
    let later = now + SignedDuration::from_hours(5);
    assert_eq!(worker.deliver_due(later).await.unwrap().picked(), 0);
    assert_eq!(server.received().len(), 2, "sent mail is not picked again");
}

#[actix_web::test]
async fn a_server_that_comes_up_late_gets_the_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = smtp_config(dir.path(), port);
    let store = open(dir.path());
    let t0 = Timestamp::now();
    let id = queue(&store, digest("ada@client.example"), t0).await;
    let worker = Worker::new(store.clone(), &config).await.unwrap();

    let pass = worker.deliver_due(t0).await.unwrap();
    assert_eq!(pass.retrying, 1);
    let first = get(&store, id);
    assert_eq!(first.status, Status::Queued);
    assert_eq!(first.attempts, 1);
    let error = first.last_error.clone().unwrap();
    assert!(
        error.contains(&format!("cannot connect to 127.0.0.1:{port}")),
        "{error}"
    );
    assert!(first.next_attempt > t0);
    assert_eq!(
        worker.deliver_due(t0).await.unwrap().picked(),
        0,
        "not due again before its backoff"
    );

    let pass = worker.deliver_due(first.next_attempt).await.unwrap();
    assert_eq!(pass.retrying, 1);
    let second = get(&store, id);
    assert_eq!(second.attempts, 2);
    assert!(
        second.next_attempt.duration_since(first.next_attempt)
            > first.next_attempt.duration_since(t0),
        "the wait grows"
    );

    let server = SmtpServer::start_at(port);
    let pass = worker.deliver_due(second.next_attempt).await.unwrap();
    assert_eq!(pass.sent, 1);
    let far = second.next_attempt + SignedDuration::from_hours(72);
    assert_eq!(worker.deliver_due(far).await.unwrap().picked(), 0);
    assert_eq!(server.received().len(), 1);
    let delivered = get(&store, id);
    assert_eq!(delivered.status, Status::Sent);
    assert_eq!(delivered.attempts, 2);
}

#[actix_web::test]
async fn a_restart_before_delivery_sends_once_with_the_same_message_id() {
    let dir = tempfile::tempdir().unwrap();
    let server = SmtpServer::start();
    let config = smtp_config(dir.path(), server.port);
    let now = Timestamp::now();

    let store = open(dir.path());
    let id = queue(&store, digest("ada@client.example"), now).await;
    let before = expected_message_id(&store, id, "hours.agency.example");
    drop(store);

    let store = open(dir.path());
    assert_eq!(
        expected_message_id(&store, id, "hours.agency.example"),
        before
    );
    let worker = Worker::new(store.clone(), &config).await.unwrap();
    assert_eq!(worker.deliver_due(now).await.unwrap().sent, 1);
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(header(&received[0].parsed(), "Message-ID").unwrap(), before);

    // A crash after the server accepted the message but before the outcome
    // was recorded leaves it queued: it goes again, under the same id.
    let sent = get(&store, id);
    let mut unrecorded = sent.clone();
    unrecorded.status = Status::Queued;
    unrecorded.sent_at = None;
    store
        .write(move |txn| {
            txn.open_table(OUTBOX)?
                .insert(id, encode(&unrecorded).as_slice())?;
            txn.open_table(mail::OUTBOX_DUE)?
                .insert((unrecorded.next_attempt.as_millisecond(), id), ())?;
            Ok(())
        })
        .await
        .unwrap();
    drop(worker);
    drop(store);
    let store = open(dir.path());
    let worker = Worker::new(store.clone(), &config).await.unwrap();
    assert_eq!(worker.deliver_due(now).await.unwrap().sent, 1);
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(header(&received[1].parsed(), "Message-ID").unwrap(), before);
}

#[actix_web::test]
async fn a_write_that_fails_queues_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let now = Timestamp::now();
    let result = store
        .write(move |txn| {
            mail::enqueue(txn, digest("ada@client.example"), now)?;
            Err::<(), _>(store::Error::Invalid(glasshouse::domain::Invalid::new(
                "name",
                "must not be empty",
            )))
        })
        .await;
    assert!(matches!(result, Err(store::Error::Invalid(_))));
    let far = now + SignedDuration::from_hours(1000);
    let (all, due) = store
        .read(|txn| Ok((txn.outbox_list(None, None, 10)?, txn.outbox_due(far, 10)?)))
        .unwrap();
    assert!(all.is_empty() && due.is_empty());

    let bad_address = Outgoing {
        to: "not an address".into(),
        ..digest("x@y.example")
    };
    let no_unsubscribe = Outgoing {
        unsubscribe_url: None,
        ..digest("x@y.example")
    };
    for (message, field) in [(bad_address, "to"), (no_unsubscribe, "unsubscribe_url")] {
        let result = store
            .write(move |txn| mail::enqueue(txn, message.clone(), now))
            .await;
        match result {
            Err(store::Error::Invalid(invalid)) => assert_eq!(invalid.field, field),
            other => panic!("expected a field error on {field}, got {other:?}"),
        }
    }
    assert!(
        store
            .read(|txn| txn.outbox_list(None, None, 10))
            .unwrap()
            .is_empty()
    );
}

#[actix_web::test]
async fn the_file_transport_writes_a_parseable_eml() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::defaults(dir.path());
    assert!(config.mail.smtp.is_none(), "files are the default");
    let store = open(dir.path());
    let now = Timestamp::now();
    let link = "https://portal.example/sign-in/0123456789abcdef";
    let id = queue(
        &store,
        messages::portal_sign_in("Fern & Oak", "ada@client.example", link, 15),
        now,
    )
    .await;
    let worker = Worker::new(store.clone(), &config).await.unwrap();
    assert_eq!(worker.deliver_due(now).await.unwrap().sent, 1);

    let queued = get(&store, id);
    assert_eq!(queued.status, Status::Sent);
    let folder = dir.path().join("mail");
    let names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec![format!("{}.eml", file_stem(&queued))]);
    let raw = std::fs::read(folder.join(&names[0])).unwrap();
    let parsed = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(header(&parsed, "Subject").unwrap(), "Sign in to Fern & Oak");
    assert_eq!(
        header(&parsed, "Message-ID").unwrap(),
        expected_message_id(&store, id, "127.0.0.1")
    );
    assert!(part(&parsed, "text/plain").unwrap().contains(link));
    assert!(part(&parsed, "text/html").unwrap().contains(link));
}

#[actix_web::test]
async fn attempts_back_off_until_the_message_is_dead_after_two_days() {
    let dir = tempfile::tempdir().unwrap();
    let config = smtp_config(dir.path(), free_port());
    let store = open(dir.path());
    let t0 = Timestamp::now();
    let id = queue(&store, digest("ada@client.example"), t0).await;
    let worker = Worker::new(store.clone(), &config).await.unwrap();

    let mut now = t0;
    let mut passes = 0;
    loop {
        passes += 1;
        assert!(passes < 500, "the message never died");
        let pass = worker.deliver_due(now).await.unwrap();
        let m = get(&store, id);
        if pass.dead == 1 {
            assert_eq!(m.status, Status::Dead);
            break;
        }
        assert_eq!(pass.retrying, 1);
        let wait = m.next_attempt.duration_since(now).as_secs_f64();
        let base = base_wait(m.attempts).as_secs_f64();
        assert!(
            wait >= base * 0.8 - 0.01 && wait <= base * 1.2 + 0.01,
            "attempt {}: waited {wait} s, base {base} s",
            m.attempts
        );
        now = m.next_attempt;
    }
    let dead = get(&store, id);
    let elapsed = now.duration_since(t0);
    assert!(elapsed >= GIVE_UP_AFTER, "gave up after {elapsed:?}");
    assert!(
        elapsed < GIVE_UP_AFTER + LONGEST_WAIT.mul_f64(1.2),
        "gave up late: {elapsed:?}"
    );
    let most_waits = (GIVE_UP_AFTER.as_secs_f64() / (LONGEST_WAIT.as_secs_f64() * 0.8)) as u32;
    assert!(
        dead.attempts > 40 && dead.attempts <= most_waits + 10,
        "{}",
        dead.attempts
    );
    assert!(dead.last_error.unwrap().contains("connection refused"));
    let listed = store
        .read(|txn| txn.outbox_list(Some(Status::Dead), None, 10))
        .unwrap();
    assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), vec![id]);
    assert!(
        store
            .read(|txn| txn.outbox_due(Timestamp::MAX, 10))
            .unwrap()
            .is_empty()
    );
}

#[actix_web::test]
async fn a_refused_recipient_is_dead_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = SmtpServer::refusing(&["nobody@"]);
    let config = smtp_config(dir.path(), server.port);
    let store = open(dir.path());
    let now = Timestamp::now();
    let refused = queue(&store, digest("nobody@client.example"), now).await;
    let accepted = queue(&store, digest("ada@client.example"), now).await;
    let worker = Worker::new(store.clone(), &config).await.unwrap();
    let pass = worker.deliver_due(now).await.unwrap();
    assert_eq!((pass.sent, pass.dead), (1, 1));
    let dead = get(&store, refused);
    assert_eq!(dead.status, Status::Dead);
    assert!(dead.last_error.unwrap().contains("550"));
    assert_eq!(get(&store, accepted).status, Status::Sent);
}

#[actix_web::test]
async fn the_running_worker_delivers_soon_after_a_message_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let server = SmtpServer::start();
    let config = smtp_config(dir.path(), server.port);
    let store = open(dir.path());
    let worker = Worker::new(store.clone(), &config).await.unwrap();
    let running = actix_web::rt::spawn(worker.run(std::time::Duration::from_millis(50)));
    let message = messages::portal_sign_in("A", "ada@client.example", "https://p.example/s", 30);
    assert_eq!(message.kind, Kind::PortalSignIn);
    let id = queue(&store, message, Timestamp::now()).await;
    let received = actix_web::rt::task::spawn_blocking(move || server.wait_for(1))
        .await
        .unwrap();
    assert_eq!(received.len(), 1);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while get(&store, id).status != Status::Sent && std::time::Instant::now() < deadline {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(get(&store, id).status, Status::Sent);
    running.abort();
}

#[actix_web::test]
async fn the_worker_prepares_a_database_made_before_the_outbox_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store
        .write(|txn| {
            txn.delete_table(mail::OUTBOX_DUE)?;
            txn.delete_table(mail::OUTBOX_DEAD)?;
            txn.open_table(store::tables::META)?
                .remove(glasshouse::mail::outbox::MESSAGE_ID_KEY)?;
            Ok(())
        })
        .await
        .unwrap();
    assert!(store.read(|txn| txn.message_id_key()).is_err());

    let config = Config::defaults(dir.path());
    let worker = Worker::new(store.clone(), &config).await.unwrap();
    let key = store.read(|txn| txn.message_id_key()).unwrap();
    let id = queue(&store, digest("ada@client.example"), Timestamp::now()).await;
    assert_eq!(worker.deliver_due(Timestamp::now()).await.unwrap().sent, 1);
    drop(worker);
    let again = Worker::new(store.clone(), &config).await.unwrap();
    drop(again);
    assert_eq!(
        store.read(|txn| txn.message_id_key()).unwrap(),
        key,
        "kept, not replaced"
    );
    assert_eq!(get(&store, id).status, Status::Sent);
}
