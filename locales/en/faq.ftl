## Frequently asked questions, free-text questions and questions to a staff member.
## The questions and answers themselves are in data/faq.yaml.

faq-menu = ❓ Questions
faq-cmd = Frequently asked questions and asking a staff member

faq-home =
    ❓ Frequently asked questions

    Type your question here in your own words and I'll look for the answer, or tap one of the popular questions or topics below. If nothing fits, tap “Talk to a staff member”.
faq-topic = 📂 { $topic }
    Choose a question:
faq-topics-button = 📚 Questions and topics
faq-topic-back-button = ↩️ { $topic }
faq-helpful-button = 👍 Helpful
faq-not-helpful-button = 👎 Didn't answer my question
faq-thanks = Glad it helped 🌱
faq-feedback-noted = Thanks, noted.
faq-not-helpful-suggest = Sorry this answer did not help. Perhaps one of these is what you were looking for; if not, send your question to a staff member:
faq-not-helpful-person = Sorry this answer did not help. If you like, I will send your question to a Welfare staff member and the answer will arrive here.

faq-suggest = I'm not sure I understood. Did you mean one of these?
faq-none-of-these = 🙋 None of these; ask a staff member
faq-none = I couldn't find an answer to that among the frequently asked questions. If you like, I'll send your question to a Welfare staff member and their answer will reach you here.
faq-ask-button = 🙋 Send to a staff member
faq-talk-button = 💬 Talk to a staff member
faq-emoji-only = 🙂 Your message had only emoji or symbols. Please write your question in a few words, or pick one of the frequently asked questions.
faq-too-long = Your message is very long ({ $length ->
        [one] { $length } character
       *[other] { $length } characters
    }). For a precise answer, send it to a staff member, or write the main question in a sentence or two.
faq-too-long-suggest = One of these questions may help too:

faq-ask-prompt = Write your question in one message and I'll send it to a Welfare staff member. Please don't include card PINs or bank details.
faq-ask-text-only = Please write your question as text.
faq-sent = ✅ Your question (number { $number }) was sent to a staff member. The answer will reach you here.
faq-already-sent = This question has already been sent to a staff member; the answer will come here.
faq-staff-unavailable = Questions to staff members can't be sent right now. Please try again later or contact your county's Welfare office.
faq-send-failed = Your question could not be sent to a staff member. Please tap the button again in a few minutes.
faq-stale = This button is no longer valid.

faq-staff-card-title = ❓ Question number { $number }
faq-staff-card-footer = ↩️ To answer, reply to this message. Your answer is sent to the person without your name.
faq-staff-card-truncated = … (the rest of the message, { $count ->
        [one] { $count } character
       *[other] { $count } characters
    }, was cut)
faq-staff-context-faq = ℹ️ The automatic answer “{ $entry }” did not help.
faq-staff-context-elg-eligible = ℹ️ From the dowry-kit eligibility result (likely eligible).
faq-staff-context-elg-may_be_eligible = ℹ️ From the dowry-kit eligibility result (needs a review).
faq-staff-context-elg-not_eligible = ℹ️ From the dowry-kit eligibility result (not eligible).
faq-staff-answer =
    💬 A Hamdel staff member answered your question:
    “{ $question }”
faq-staff-answer-thanks-button = ✅ Thanks, that's clear
faq-another-question-button = 🙋 I have another question
faq-staff-relayed = ✅ The answer was sent to the person (question number { $number }).
faq-staff-national-only = Questions to a person name no province: national staff answer them, not a province office.
faq-staff-user-blocked = ⚠️ The person (question number { $number }) has blocked Hamdel; the answer did not reach them.
faq-staff-relay-failed = ⚠️ The answer to question number { $number } could not be sent; please reply to the card again in a little while.
faq-staff-text-only = Only text answers are sent to the person; please write your answer as text.
faq-greeting = Hello and welcome 🌱 Type your question here or choose from the menu below.
faq-you-are-welcome = You're welcome 🌱 If you have another question, just type it here.
faq-queued = 📨 Your question (number { $number }) is saved and goes to the staff as soon as their chat takes new messages. The answer will come here.
faq-staff-card-unknown = ⚠️ This card is no longer linked to any question (an old or repeated card), so your answer was not sent to anyone. Please reply to the newest card of that question.
faq-staff-card-ambiguous = ⚠️ This message is linked to a question and to a request at once; your answer was not sent, so that it cannot reach the wrong person. Please reply to a newer card.
