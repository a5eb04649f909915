//! Whether a new message pushes a notification to one recipient, and what the push says.
//! Nothing is pushed for the sender's own message, a recalled one, or during the recipient's
//! quiet hours; a muted conversation stays silent except for an @mention (of the member or
//! @all) when the member lets mentions break mute; an approval card waiting for the member's
//! decision always counts. A confidential conversation's push says only "New message 新消息".

use weft_protocol::MemberId;
use weft_protocol::Millis;
use weft_protocol::approval::CardEvent;
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message, MessageCard};
use weft_protocol::push::{CONFIDENTIAL_TITLE, DAY_MINUTES, PushKind, PushPayload, PushSettings};

/// Characters of a message's text a push carries at most.
pub const BODY_CHARS: usize = 120;

/// Why `member` is told of `message`, or None when they are not.
pub fn reason(
    message: &Message,
    member: MemberId,
    muted: bool,
    settings: &PushSettings,
    now: Millis,
) -> Option<PushKind> {
    if message.sent_by(member) || message.recalled {
        return None;
    }
    if let Some(quiet) = settings.quiet_hours
        && quiet.contains(local_minute(now, settings.utc_offset_minutes))
    {
        return None;
    }
    if let Some(MessageCard::Approval(card)) = &message.card
        && matches!(card.event, CardEvent::AwaitingYou { .. })
    {
        return Some(PushKind::Approval);
    }
    let mentioned = message.mention_all || message.mentions.contains(&member);
    match (mentioned, muted) {
        (true, false) => Some(PushKind::Mention),
        (true, true) if settings.mentions_break_mute => Some(PushKind::Mention),
        (false, false) => Some(PushKind::Message),
        _ => None,
    }
}

/// Minutes after local midnight at `now` in a zone `offset` minutes east of UTC.
pub fn local_minute(now: Millis, offset: i16) -> u16 {
    let minutes = now.div_euclid(60_000) + i64::from(offset);
    u16::try_from(minutes.rem_euclid(i64::from(DAY_MINUTES))).unwrap_or_default()
}

fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(BODY_CHARS).collect();
    if text.chars().nth(BODY_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// The push for `message` as `conversation` appears to its recipient.
pub fn payload(message: &Message, conversation: &ConversationSummary, kind: PushKind, unread: u32) -> PushPayload {
    let tag = format!("conversation:{}", conversation.id);
    let url = format!("/c/{}", conversation.id);
    if conversation.confidential.is_some() {
        return PushPayload { kind, title: CONFIDENTIAL_TITLE.into(), body: String::new(), tag, url, unread };
    }
    if let (PushKind::Approval, Some(MessageCard::Approval(card))) = (kind, &message.card) {
        return PushPayload {
            kind,
            title: format!("Approval waiting · 待审批: {}", card.template_name),
            body: card.applicant_name.clone(),
            tag: format!("approval:{}", card.request_id),
            url: format!("/approvals/{}", card.request_id),
            unread,
        };
    }
    let text = if let Some(bot) = message.bot() {
        shorten(&bot.plain_text())
    } else if message.text.trim().is_empty() {
        match &message.attachment {
            Some(file) => format!("[File 文件] {}", file.file_name),
            None => String::new(),
        }
    } else {
        shorten(&message.text)
    };
    let sender = message.bot().map_or(message.sender_name.as_str(), |bot| bot.sender.name());
    let title = match kind {
        PushKind::Mention => format!("{sender} mentioned you · 提到了你"),
        _ => conversation.title.clone(),
    };
    let body = match (kind, conversation.kind) {
        (PushKind::Mention, ConversationKind::Direct) => text,
        (PushKind::Mention, _) => format!("{}: {text}", conversation.title),
        (_, ConversationKind::Direct) => text,
        _ => format!("{sender}: {text}"),
    };
    PushPayload { kind, title, body, tag, url, unread }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;
    use weft_protocol::push::QuietHours;
    use weft_protocol::{ClientId, ConversationId, MessageId};

    fn message(sender: MemberId) -> Message {
        Message {
            id: MessageId(Uuid::new_v4()),
            conversation_id: ConversationId(Uuid::new_v4()),
            seq: 1,
            sender_id: sender,
            sender_name: "张三".into(),
            client_id: ClientId(Uuid::new_v4()),
            text: "hello".into(),
            sent_at: 0,
            recalled: false,
            reply_to: None,
            mentions: Vec::new(),
            mention_all: false,
            attachment: None,
            card: None,
            expires_at: None,
        }
    }

    #[test]
    fn mute_silences_messages_but_not_mentions_unless_the_member_says_so() {
        let (sender, me) = (MemberId(Uuid::new_v4()), MemberId(Uuid::new_v4()));
        let settings = PushSettings::default();
        let mut plain = message(sender);
        assert_eq!(reason(&plain, me, false, &settings, 0), Some(PushKind::Message));
        assert_eq!(reason(&plain, me, true, &settings, 0), None);
        assert_eq!(reason(&plain, sender, false, &settings, 0), None, "never the sender");
        plain.mentions.push(me);
        assert_eq!(reason(&plain, me, true, &settings, 0), Some(PushKind::Mention));
        let strict = PushSettings { mentions_break_mute: false, ..settings };
        assert_eq!(reason(&plain, me, true, &strict, 0), None);
        plain.mentions.clear();
        plain.mention_all = true;
        assert_eq!(reason(&plain, me, true, &settings, 0), Some(PushKind::Mention));
        plain.recalled = true;
        assert_eq!(reason(&plain, me, false, &settings, 0), None);
    }

    #[test]
    fn quiet_hours_are_in_the_members_local_time_and_may_span_midnight() {
        let (sender, me) = (MemberId(Uuid::new_v4()), MemberId(Uuid::new_v4()));
        // 22:00–07:00 in UTC+8; 23:30 UTC is 07:30 there (not quiet), 15:00 UTC is 23:00 (quiet).
        let settings = PushSettings {
            quiet_hours: Some(QuietHours { start: 22 * 60, end: 7 * 60 }),
            utc_offset_minutes: 8 * 60,
            ..PushSettings::default()
        };
        let at = |h: i64, m: i64| (h * 60 + m) * 60_000;
        assert_eq!(reason(&message(sender), me, false, &settings, at(23, 30)), Some(PushKind::Message));
        assert_eq!(reason(&message(sender), me, false, &settings, at(15, 0)), None);
        assert_eq!(local_minute(at(0, 0), -60), 23 * 60);
        assert!(!QuietHours { start: 600, end: 600 }.contains(600), "an empty window is never quiet");
    }
}
