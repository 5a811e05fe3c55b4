"""The mails organisers can word: their keys, placeholders and default wording in both languages.

Each default repeats, as text with placeholders, what the built-in template in templates/mail/ says;
without a saved wording the built-in template is sent unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..errors import NotFound

FIELDS = ("subject_en", "subject_zh", "body_en", "body_zh")
PERSON = ("name", "title", "organisation", "forum_title", "forum_date", "forum_venue")
FORUM = ("forum_title", "forum_date", "forum_venue")
ANSWER_EN = "Please answer with one click (no sign-in needed; do not forward this link): {follow_up_link}"
ANSWER_ZH = "請按一下回覆（毋須登入；請勿轉寄此連結）：{follow_up_link}"


@dataclass(frozen=True)
class MailKind:
    key: str
    label: object
    placeholders: tuple[str, ...]
    subject_en: str
    subject_zh: str
    body_en: str
    body_zh: str
    # The record a preview is made on, the forum's own: "attendee", "application", "meeting",
    # "release" (a published version of the agenda), "pilot" (a pilot shown at the forum), "lead" (an
    # introduction asked for) or, for the site's mails, "account" (the administrator's own) and
    # "lab_application" (a data lab application).
    about: str = "attendee"

    def defaults(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS}


KINDS = {k.key: k for k in (
    MailKind("attendee_invitation", _l("Invitation to HA staff"), PERSON + ("respond_link",),
             "Invitation: {forum_title}", "邀請：{forum_title}",
             "Dear {name},\n\nYou are invited to {forum_title}.\n{forum_date}\n{forum_venue}\n\n"
             "Please confirm or decline with your personal link (do not forward it):\n\n{respond_link}\n\n"
             "When you confirm you can pick the Smart Hospital themes you care about and tell us about access "
             "or dietary needs. Your QR ticket follows by email.",
             "{name}您好：\n\n誠邀您出席{forum_title}。\n{forum_date}\n{forum_venue}\n\n"
             "請以您的個人連結確認或婉拒出席（請勿轉寄）：\n\n{respond_link}\n\n"
             "確認時您可選擇感興趣的智慧醫院主題，並告訴我們您的無障礙或飲食需要。二維碼門票將另以電郵寄上。"),
    MailKind("attendee_ticket", _l("Ticket"), PERSON + ("ticket_link", "ticket_code", "respond_link", "wallet_link"),
             "Your ticket: {forum_title}", "您的門票：{forum_title}",
             "Dear {name},\n\nHere is your ticket for {forum_title}.\n{forum_date}\n{forum_venue}\n\n"
             "Your QR code is attached (ticket-qr.png), with a calendar invitation (forum.ics). You can also "
             "show it full screen from this page:\n\n{ticket_link}\n\nTicket code: {ticket_code}\n\n"
             "To change your choices or cancel: {respond_link}",
             "{name}您好：\n\n這是您出席{forum_title}的門票。\n{forum_date}\n{forum_venue}\n\n"
             "二維碼已附上（ticket-qr.png），並附日曆邀請（forum.ics）。您亦可在此頁面以全螢幕顯示：\n\n"
             "{ticket_link}\n\n門票編號：{ticket_code}\n\n如需更改選擇或取消：{respond_link}"),
    MailKind("forum_survey", _l("Survey after the forum"), PERSON + ("survey_link",),
             "Your view of {forum_title}", "意見調查：{forum_title}",
             "Dear {name},\n\nThank you for taking part in {forum_title}. Was it useful, and which solutions do "
             "you want to follow up? Three short questions: {survey_link}",
             "{name}您好：\n\n多謝您參與{forum_title}。論壇對您有用嗎？您希望跟進哪些方案？三條簡短問題：{survey_link}"),
    MailKind("exhibitor_decision", _l("Decision on an application to exhibit"),
             PERSON + ("decision", "note", "application_link"),
             "Your application to exhibit: {forum_title}", "參展申請結果：{forum_title}",
             "Dear {name},\n\n{decision}\n\n{note}\n\nSee your application: {application_link}",
             "{name}您好：\n\n{decision}\n\n{note}\n\n查看您的申請：{application_link}", about="application"),
    MailKind("meeting_invitation", _l("Meeting confirmed or updated (with its calendar invitation)"),
             PERSON + ("company", "meeting_status", "meeting_time", "meeting_place", "meeting_link"),
             "Meeting {meeting_status}: {company}", "會面{meeting_status}：{company}",
             "Your meeting with {company} is on {meeting_time} at {meeting_place}. The calendar invitation is "
             "attached.\n\nThe meeting: {meeting_link}",
             "您與{company}的會面定於{meeting_time}在{meeting_place}舉行。附上日曆邀請。\n\n會面：{meeting_link}",
             about="meeting"),
    MailKind("meeting_cancellation", _l("Meeting cancelled (with its calendar cancellation)"),
             PERSON + ("company", "meeting_time", "meeting_place", "meeting_link"),
             "Meeting cancelled: {company}", "會面已取消：{company}",
             "The meeting with {company} is cancelled.\n\nThe meeting: {meeting_link}",
             "與{company}的會面已取消。\n\n會面：{meeting_link}", about="meeting"),
    MailKind("agenda_changes", _l("Agenda changes (to the speakers and exhibitors concerned)"),
             FORUM + ("version", "changes", "agenda_link"),
             "Agenda changes, version {version}", "議程更新（第{version}版）",
             "The agenda of {forum_title} has a new version ({version}). What changed for you:\n{changes}\n\n"
             "The agenda: {agenda_link}",
             "{forum_title}的議程有新版本（第{version}版）。與您有關的更改：\n{changes}\n\n議程：{agenda_link}",
             about="release"),
    MailKind("connection_request", _l("Introduction asked for (to the partnership team)"),
             ("name",) + FORUM + ("company", "attendee_name", "attendee_title", "attendee_organisation",
                                  "introductions_link"),
             "Introduction asked for: {company}", "引薦要求：{company}",
             "{company} asks the partnership team to introduce them to {attendee_name} ({attendee_title}, "
             "{attendee_organisation}), who met them or bookmarked them at {forum_title}.\n\n"
             "All introductions asked for: {introductions_link}",
             "{company}請合作夥伴團隊引薦{attendee_name}（{attendee_title}，{attendee_organisation}）；"
             "此人在{forum_title}與他們會面或收藏了他們。\n\n所有引薦要求：{introductions_link}", about="lead"),
    MailKind("pilot_follow_up", _l("Six months after a pilot was proposed (to its owners)"),
             ("name",) + FORUM + ("pilot_title", "company", "follow_up_link"),
             "How did it go? {pilot_title}", "試點進展如何？{pilot_title}",
             "Dear {name},\n\nSix months ago the pilot \"{pilot_title}\" of {company} was proposed. How did it go?"
             "\n\n" + ANSWER_EN,
             "{name} 您好：\n\n六個月前，{company}提出了試點「{pilot_title}」。進展如何？\n\n" + ANSWER_ZH,
             about="pilot"),
    MailKind("meeting_follow_up", _l("Six months after a meeting (to its participants)"),
             ("name",) + FORUM + ("company", "meeting_date", "follow_up_link"),
             "How did the meeting go?", "會面之後進展如何？",
             "Dear {name},\n\nSix months ago you met {company} ({meeting_date}). How did it go?\n\n" + ANSWER_EN,
             "{name} 您好：\n\n六個月前您與{company}會面（{meeting_date}）。進展如何？\n\n" + ANSWER_ZH,
             about="meeting"),
)}


# Account mails belong to no forum: administrators word them once for the site (previewed on their own
# account). Their links are personal and short-lived, so the defaults keep saying how long they work.
SITE_KINDS = {k.key: k for k in (
    MailKind("password_reset", _l("Password reset link"), ("name", "reset_link", "hours"),
             "Reset your password", "重設密碼",
             "Hello {name},\n\nSomeone asked to reset the password of your HKSTP x HA Innovation Forum account. "
             "Open this link to set a new one (it works for {hours} hours, once):\n\n{reset_link}\n\n"
             "If it was not you, ignore this message; your password stays as it is.",
             "{name} 您好：\n\n有人要求重設您的科技園 x 醫管局創新論壇帳戶密碼。請開啟以下連結設定新密碼"
             "（{hours} 小時內有效，只可使用一次）：\n\n{reset_link}\n\n如非您本人提出，請忽略此訊息，您的密碼不會改變。",
             about="account"),
    MailKind("verify_email", _l("Confirming the address of a sign-up"), ("name", "verify_link", "hours"),
             "Confirm your email address", "確認電郵地址",
             "Hello {name},\n\nYour company was signed up to the HKSTP x HA Innovation Forum platform with this "
             "address. Open this link to confirm it (it works for {hours} hours, once):\n\n{verify_link}\n\n"
             "If it was not you, ignore this message: nothing opens until the address is confirmed.",
             "{name} 您好：\n\n有人以此地址在 HKSTP x HA 創新論壇平台登記了您的公司。請開啟以下連結確認"
             "（連結於 {hours} 小時內有效，只可使用一次）：\n\n{verify_link}\n\n如非您本人操作，請忽略此郵件："
             "地址未確認前，帳戶無法使用。", about="account"),
    MailKind("signup_address_taken", _l("Sign-up with an address that already has an account"),
             ("login_link", "reset_link"),
             "Sign-up with your address", "有人以您的地址登記",
             "Hello,\n\nSomeone tried to sign up a company to the HKSTP x HA Innovation Forum platform with this "
             "address. It already has an account or a pending invitation, so no new account was made.\n\n"
             "To sign in: {login_link}\nForgot your password? {reset_link}\n\nIf it was not you, ignore this message.",
             "您好：\n\n有人嘗試以此地址在 HKSTP x HA 創新論壇平台登記公司。此地址已有帳戶或待接受的邀請，"
             "因此沒有建立新帳戶。\n\n登入：{login_link}\n忘記密碼？{reset_link}\n\n如非您本人操作，請忽略此郵件。",
             about="account"),
    MailKind("account_invitation", _l("Invitation to open an account"), ("name", "inviter", "invitation_link"),
             "You are invited", "誠邀加入",
             "Hello {name},\n\n{inviter} invites you to the HKSTP x HA Innovation Forum platform.\n\n"
             "Open this link to set your password and join (it works for 14 days):\n\n{invitation_link}",
             "{name} 您好：\n\n{inviter} 邀請您加入科技園 x 醫管局創新論壇平台。\n\n"
             "請開啟以下連結設定密碼並加入（14 日內有效）：\n\n{invitation_link}", about="account"),
    MailKind("datalab_status", _l("Data lab application news (to the applicant and the team)"),
             ("name", "application_title", "notice", "note", "application_link"),
             "Data lab application", "數據實驗室申請",
             "Data lab application: {application_title}\n\n{notice}\n\n{note}\n\nSee every step: {application_link}",
             "數據實驗室申請：{application_title}\n\n{notice}\n\n{note}\n\n查看每一個步驟：{application_link}",
             about="lab_application"),
)}


def kind(key: str, *, site: bool = False) -> MailKind:
    """A forum's mail kind, or with site=True an account mail's; anything else is not found."""
    kinds = SITE_KINDS if site else KINDS
    if key not in kinds:
        raise NotFound(_l("No such mail."))
    return kinds[key]
