## Subscriptions (🔔), broadcasts (📣) and automatic campaign notices.

menu-subscriptions = 🔔 Notifications
cmd-subscriptions = Notification settings
cmd-stop = Stop all notifications
cmd-broadcast = Broadcast (staff)

## The settings screen

subscriptions-screen =
    🔔 Hamdel notifications
    Turn on the news you want; each button switches its topic on or off.
subscriptions-province-line = 📍 Your province: { $name }
subscriptions-province-none = 📍 You have not chosen a province yet. Choose it to get news about your province.
subscriptions-stopped-note = 🔕 No notifications are sent to you now. Turn on any topic to get news again.
subscriptions-topic-new-campaigns = New campaigns
subscriptions-topic-campaign-updates = Campaigns I gave to
subscriptions-topic-province-news = News for my province
subscriptions-topic-volunteer-calls = Calls for volunteers
subscriptions-on = ✅ { $topic }
subscriptions-off = ⬜️ { $topic }
subscriptions-toggled-on = “{ $topic }” is on.
subscriptions-toggled-off = “{ $topic }” is off.
subscriptions-province-button = 📍 Province: { $name }
subscriptions-province-choose-button = 📍 Choose your province
subscriptions-province-clear-button = No province
subscriptions-province-prompt = Choose your province from the list, or type its name:
subscriptions-province-saved = Your province is now { $name }.
subscriptions-province-unknown = I could not find a province called “{ $text }”. Please choose from the list.
subscriptions-province-candidates = Which province do you mean?
subscriptions-stop-button = 🔕 Stop all notifications
subscriptions-resume-button = 🔔 Get news again
subscriptions-stopped =
    🔕 Hamdel will not send you any more notifications.
    Whenever you like, come back with the button below, or from “🔔 Notifications” in the menu (or /subscriptions).
subscriptions-already-stopped = All notifications were already stopped for you. Press the button below to come back.
subscriptions-resumed = 🔔 Welcome back! You will get news about the campaigns you gave to and about your province. Change the topics right here.
subscriptions-unsubscribe-button = 🔕 Unsubscribe
subscriptions-unsubscribed-toast = You are unsubscribed.

## A broadcast's campaign button

subscriptions-campaign-closed = This campaign has ended; thank you to everyone who took part.
subscriptions-campaign-missing = This campaign is no longer available.

## Automatic notices (sent to subscribers and donors)

broadcast-notice-campaign-live =
    📣 New campaign: “{ $title }”

    { $description }

    🎯 Goal: { $goal }
    Any amount helps.
broadcast-notice-campaign-half =
    🌗 The campaign “{ $title }” is halfway there!
    { $raised } of { $goal } has been raised so far by { $count ->
            [one] { $count } donor
           *[other] { $count } donors
        }. Thank you for your gift; if you like, share the news with your friends.
broadcast-notice-campaign-full =
    🎉 The campaign “{ $title }” reached its goal!
    { $count ->
            [one] { $count } donor
           *[other] { $count } donors
        } gave { $raised } (goal: { $goal }). Thank you for being part of it.
broadcast-notice-campaign-closed =
    🙏 The campaign “{ $title }” has ended.
    In total { $count ->
            [one] { $count } donor
           *[other] { $count } donors
        } gave { $raised } (goal: { $goal }). Thank you for your support.
broadcast-notice-button-donate = 💝 Give to “{ $title }”
broadcast-notice-button-campaign = 📣 Campaign “{ $title }”

## Composer (staff)

broadcast-home =
    📣 Broadcast
    Write a message to all users or to a group of them, or see how recent broadcasts went.
broadcast-new-button = ✍️ New message
broadcast-recent-button = 📋 Recent broadcasts
broadcast-ask-text-fa =
    ✍️ Send the Persian text of the message.
    You may send a photo with a caption instead; the caption becomes the Persian text. At most { $limit ->
            [one] { $limit } character
           *[other] { $limit } characters
        }, { $caption_limit } with a photo.
broadcast-photo-saved-ask-text = Photo received. Now send the Persian text (at most { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    } with a photo).
broadcast-ask-text-en = Send the English text (for users whose language is English), or press “No English text” to send them the Persian text.
broadcast-skip-en-button = ⏭ No English text
broadcast-ask-photo = 🖼 If the message has a photo, send it; otherwise press “No photo”.
broadcast-skip-photo-button = ⏭ No photo
broadcast-photo-only = Please send a photo, or press “No photo”.
broadcast-photo-caption-too-long = Your text is too long for a photo caption (at most { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    } with a photo). Send the message without a photo, or start again with a shorter text.
broadcast-text-only = Only text, or a photo with a caption, is accepted here.
broadcast-empty-text = An empty message cannot be sent. Please write the text.
broadcast-too-long = This text has { $length ->
        [one] { $length } character
       *[other] { $length } characters
    }, more than the limit of { $limit }. Please shorten it.
broadcast-caption-too-long = With a photo the text may have at most { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    }; this one has { $length }. Shorten it or send without a photo.
broadcast-ask-button = 🔘 Add a button under the message?
broadcast-button-url-choice = 🔗 Link to a web address
broadcast-button-campaign-choice = 💝 Link to a campaign
broadcast-button-none-choice = ⏭ No button
broadcast-ask-url = Send the link, e.g. https://behzisti.ir
broadcast-bad-url = That link is not valid. Send an address like https://behzisti.ir
broadcast-choose-campaign = Choose the campaign:
broadcast-no-campaigns = There is no active campaign now. Choose another option.
broadcast-error-other-province = These recipients are outside your provinces; you may write only to your provinces' users and their campaigns' donors.
broadcast-error-other-province-broadcast = This broadcast belongs to another province; you see only your provinces' broadcasts.
broadcast-button-link = 🔗 Learn more
broadcast-button-campaign = 💝 Give to “{ $title }”
broadcast-ask-segment = 👥 Who should get the message?
broadcast-segment-all-button = 👥 All users
broadcast-segment-topic-button = 🔔 Subscribers of a topic
broadcast-segment-donors-button = 💝 Donors to a campaign
broadcast-segment-province-button = 📍 A province
broadcast-segment-language-button = 🌐 A language
broadcast-choose-topic = Subscribers of which topic?
broadcast-choose-province = Which province? (people who chose it or gave to it)
broadcast-choose-language = Users of which language?
broadcast-language-fa = Persian-speaking
broadcast-language-en = English-speaking
broadcast-segment-all = all users
broadcast-segment-topic = subscribers of “{ $name }”
broadcast-segment-donors = donors to “{ $name }”
broadcast-segment-province = users in { $name } province
broadcast-segment-language = { $name } users
broadcast-segment-launch = subscribers of new campaigns and of the province of “{ $name }”
broadcast-no-recipients = There is nobody in “{ $segment }”. Choose other recipients.
broadcast-preview-header = 👁 Preview for { $language } users:
broadcast-summary =
    📋 Ready to send
    Recipients: { $segment }
    Count: { $count ->
            [one] { $count } person
           *[other] { $count } people
        }
    { $english }
    Estimated sending time: { $eta }
    The preview above is exactly what recipients will see.
broadcast-english-yes = English text: yes
broadcast-english-no = English text: none (English-speaking users get the Persian text)
broadcast-send-now-button = 🚀 Send now
broadcast-schedule-button = 🗓 Send later
broadcast-change-segment-button = 👥 Change recipients
broadcast-discard-button = 🗑 Discard the draft
broadcast-discarded = The draft was discarded.
broadcast-draft-gone = This draft is no longer available. Use /broadcast for a new message.
broadcast-already-confirmed = This message was already sent or cancelled.
broadcast-duplicate = ⚠️ A message with the same text and recipients was confirmed on { $when } (broadcast #{ $id }, { $status }). Send it again anyway?
broadcast-send-anyway-button = Yes, send it again
broadcast-ask-schedule = 🗓 Type the date and time in the Solar Hijri calendar, Tehran time, e.g. { $example }
broadcast-schedule-format = I could not read that date. Please type it like this: { $example }
broadcast-schedule-invalid = That date does not exist in the calendar. Please type it again, e.g. { $example }
broadcast-schedule-past = That time has passed. Type a time in the future, e.g. { $example }
broadcast-schedule-too-far = Scheduling more than six months ahead is not possible. Type a nearer time, e.g. { $example }
broadcast-schedule-confirm = Send the message on { $when } to about { $count ->
        [one] { $count } person
       *[other] { $count } people
    }?
broadcast-confirm-button = ✅ Confirm

## Progress and controls

broadcast-scheduled = 🗓 Broadcast #{ $id } is scheduled for { $when }. Press “Cancel sending” if you change your mind.
broadcast-progress =
    📣 Broadcast #{ $id } — { $status }
    ✅ Sent: { $sent }
    ⛔️ Blocked the bot: { $blocked }
    ⚠️ Failed: { $failed }
    ⏭ Skipped (unsubscribed after the start): { $skipped }
    ⏳ Remaining: { $remaining } of { $total }
    { $eta }
broadcast-eta = Estimated time left: { $duration }
broadcast-eta-paused = Sending is paused; “Resume” continues where it stopped.
broadcast-eta-unknown = Time left: estimating…
broadcast-finished =
    ✅ Broadcast #{ $id } is finished.
    Sent: { $sent } · blocked: { $blocked } · failed: { $failed } · skipped: { $skipped }
    Unsubscribed with the button under this message: { $unsubscribed }
broadcast-cancelled-report =
    ✖️ Broadcast #{ $id } was cancelled.
    It reached { $sent ->
            [one] { $sent } person
           *[other] { $sent } people
        } before that; { $cancelled } will not get it.
broadcast-controls = Controls for broadcast #{ $id }:
broadcast-pause-button = ⏸ Pause
broadcast-resume-button = ▶️ Resume
broadcast-cancel-button = ✖️ Cancel sending
broadcast-refresh-button = 🔄 Refresh
broadcast-cancel-confirm = Cancel sending to the { $remaining ->
        [one] { $remaining } person
       *[other] { $remaining } people
    } left? This cannot be undone.
broadcast-cancel-sure-button = Yes, cancel
broadcast-pause-toast = Sending paused.
broadcast-resume-toast = Sending resumed.
broadcast-cancel-toast = Sending cancelled.
broadcast-unchanged-toast = It is already in that state.
broadcast-finished-toast = This message is no longer being sent.
broadcast-unknown = This broadcast was not found.
broadcast-recent-title = 📋 Recent broadcasts; press one to see how it went:
broadcast-recent-empty = No broadcast has been sent yet.
broadcast-recent-line = #{ $id } · { $kind } · { $status }
broadcast-status-draft = draft
broadcast-status-scheduled = scheduled
broadcast-status-sending = sending
broadcast-status-paused = paused
broadcast-status-done = finished
broadcast-status-cancelled = cancelled
broadcast-kind-manual = staff message
broadcast-kind-campaign-live = new campaign notice
broadcast-kind-campaign-half = campaign halfway
broadcast-kind-campaign-full = campaign goal reached
broadcast-kind-campaign-closed = campaign ended
broadcast-duration-seconds = less than a minute
broadcast-duration-minutes = { $minutes } min
broadcast-duration-hours = { $hours } h { $minutes } min

## Staff tools: the /stats section, the subscribers and broadcasts exports, /health
broadcast-stats-title = 📣 Broadcasts
broadcast-stats-today = Today — broadcasts: { $broadcasts }, delivered: { $delivered }, failed: { $failed }, blocked: { $blocked }, unsubscribed: { $unsubscribed }
broadcast-stats-week = This week — broadcasts: { $broadcasts }, delivered: { $delivered }, failed: { $failed }, blocked: { $blocked }, unsubscribed: { $unsubscribed }
broadcast-stats-month = This month — broadcasts: { $broadcasts }, delivered: { $delivered }, failed: { $failed }, blocked: { $blocked }, unsubscribed: { $unsubscribed }
broadcast-stats-unsubscribed-month = Unsubscribed this month: { $stopped } from everything (/stop or 🔕), { $topics } from a topic
broadcast-stats-topics = Subscribers now — new campaigns: { $new_campaigns }, campaigns they gave to: { $campaign_updates }, province news: { $province_news }, calls for volunteers: { $volunteer_calls }
broadcast-stats-audience = Reachable by broadcasts: { $reachable } — stopped all news: { $stopped }, blocked the bot: { $blocked }
broadcast-stats-backlog = Send queue: { $pending ->
        [one] { $pending } message
       *[other] { $pending } messages
    } waiting — sending or paused: { $active }, scheduled: { $scheduled }
broadcast-health-outbox = Broadcast messages waiting to be sent
broadcast-export-subscribers-title = News subscribers
broadcast-export-subscribers-col-user = User number
broadcast-export-subscribers-col-platform = Messenger
broadcast-export-subscribers-col-language = Language
broadcast-export-subscribers-col-province = Province
broadcast-export-subscribers-col-topics = Topics
broadcast-export-subscribers-col-state = State
broadcast-export-subscribers-col-stopped = Stopped all news
broadcast-export-subscribers-col-since = Member since
broadcast-export-subscribers-col-changed = Settings last changed
broadcast-export-broadcasts-title = Broadcasts
broadcast-export-broadcasts-col-id = Id
broadcast-export-broadcasts-col-kind = Kind
broadcast-export-broadcasts-col-author = Sender's role
broadcast-export-broadcasts-col-segment = Recipients
broadcast-export-broadcasts-col-status = Status
broadcast-export-broadcasts-col-created = Created
broadcast-export-broadcasts-col-scheduled = Scheduled for
broadcast-export-broadcasts-col-started = Sending began
broadcast-export-broadcasts-col-finished = Finished
broadcast-export-broadcasts-col-recipients = Recipient count
broadcast-export-broadcasts-col-delivered = Delivered
broadcast-export-broadcasts-col-failed = Failed
broadcast-export-broadcasts-col-blocked = Blocked
broadcast-export-broadcasts-col-skipped = Skipped (unsubscribed or blocked before the send)
broadcast-export-broadcasts-col-cancelled = Cancelled
broadcast-export-broadcasts-col-waiting = Waiting
broadcast-export-broadcasts-col-unsubscribed = Unsubscribed with the button under it
broadcast-export-platform-telegram = Telegram
broadcast-export-platform-bale = Bale
broadcast-export-language-fa = Persian
broadcast-export-language-en = English
broadcast-export-active = active
broadcast-export-blocked = blocked the bot
broadcast-export-author-automatic = automatic
broadcast-export-author-unknown = unknown
