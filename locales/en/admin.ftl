## Staff tools: /admin, roles, audit log, health, campaign management, statistics, exports.

cmd-admin = Staff tools
cmd-roles = Staff roles
cmd-audit = Staff audit log
cmd-scope = A role’s provinces
cmd-health = System health
cmd-campaigns-admin = Manage campaigns
cmd-new-campaign = Create a campaign
cmd-stats = Statistics
cmd-export = Export data

admin-menu-title =
    Hamdel staff tools
    Your role: { $roles }
    Choose one:
admin-menu-campaigns = 📣 Campaigns
admin-menu-broadcast = 📢 Broadcast
admin-menu-statuses = 📥 Import application statuses
admin-menu-stats = 📊 Statistics
admin-menu-export = 📁 Export
admin-menu-audit = 🧾 Audit log
admin-menu-roles = 👥 Roles
admin-menu-health = 🩺 System health
admin-back-to-menu = ↩️ Staff menu
admin-stale = This button belongs to an older message and no longer works; use the buttons of the latest message (or send /admin).

admin-role-admin = administrator
admin-role-campaign-manager = campaign manager
admin-role-operator = working-group operator

admin-roles-title =
    👥 Staff roles
    { $lines }
admin-roles-none = No roles have been granted yet.
admin-roles-settings-admin = • { $user_id } — administrator (from the settings)
admin-roles-line = • { $user_id } — { $role }
admin-roles-add = ➕ Grant a role
admin-roles-remove-button = ✖️ Remove { $role } from { $user_id }
admin-roles-ask-person = Send the person's numeric user id, or forward me a message from them.
admin-roles-bad-person = That is not a valid user id. Send just the number, e.g. 12345678.
admin-roles-forward-hidden = This person hides their identity on forwarded messages; please send their numeric id.
admin-roles-pick = Which role should user { $user_id } get?
admin-roles-granted = ✅ User { $user_id } now has the role «{ $role }».
admin-roles-already = User { $user_id } already has the role «{ $role }».
admin-roles-unknown-user =
    User { $user_id } has never used this bot, so no role was given (perhaps the id is mistyped).
    Ask them to open the bot and press Start (/start), then send /id to see their own id and send it to you (or forward me a message from them).
admin-roles-confirm-admin = Make user { $user_id } an administrator? Administrators may use every tool, including granting and removing roles.
admin-roles-you-got = You have been given the role «{ $role }» in Hamdel. Send /admin to see your tools.
admin-roles-remove-ask = Remove the { $role } role from user { $user_id }?
admin-roles-remove-confirm = ✅ Yes, remove it
admin-roles-revoked = User { $user_id } is no longer a { $role }.
admin-roles-not-held = User { $user_id } does not have the { $role } role.
admin-roles-not-self = You cannot remove your own administrator role.
admin-roles-from-settings = User { $user_id } is an administrator through the settings (ADMIN_IDS) and can only be removed there.
admin-roles-back = ↩️ Roles list
admin-roles-usage =
    Usage: /{ $command } user_id role
    Roles: admin, campaign_manager, operator
    For one or more provinces: /grant user_id role Tehran, Fars
admin-roles-provinces = { " " }— provinces: { $provinces }
admin-roles-national = { " " }— the whole country
admin-roles-scoped = ✅ The provinces of user { $user_id }’s «{ $role }» role changed
admin-roles-national-only = The administrator role covers the whole country; it cannot be limited to provinces.
admin-roles-unknown-province = A province name or number was not recognised. Separate province names with commas, e.g.: Tehran, Fars
admin-roles-scope-usage =
    Usage: /scope user_id role provinces
    E.g. /scope 12345678 operator Tehran, Alborz — or «all» for the whole country

audit-title = 🧾 Staff audit log
audit-title-person = 🧾 Audit log of user { $actor }
audit-page = Page { $page } of { $pages } — { $count ->
        [one] { $count } entry
       *[other] { $count } entries
    }
audit-empty = Nothing recorded.
audit-line = { $mark } { $when } — { $actor }: { $action } ({ $target })
audit-filter-button = 🔎 One person's actions
audit-all-button = All actions
audit-ask-person = Send the numeric user id of the person whose actions you want to see (or forward a message from them).
audit-bad-person = The id must be a number, e.g. 12345678.
audit-action-message = message
audit-action-callback = button
audit-action-campaign-create = campaign created
audit-action-campaign-edit = campaign edited
audit-action-campaign-activate = campaign activated
audit-action-campaign-pause = campaign paused
audit-action-campaign-close = campaign closed
audit-action-role-grant = role granted
audit-action-role-revoke = role removed
audit-action-role-scope = role provinces changed
audit-action-export = export
# Each export by name (the audit log's «export.NAME»), titled as in /export.
audit-action-export-donations = { audit-action-export } «{ export-donations-title }»
audit-action-export-audit = { audit-action-export } «{ export-audit-title }»
audit-action-export-tickets = { audit-action-export } «{ complaints-export-title }»
audit-action-export-volunteers = { audit-action-export } «{ volunteer-export-title }»
audit-action-export-subscribers = { audit-action-export } «{ broadcast-export-subscribers-title }»
audit-action-export-broadcasts = { audit-action-export } «{ broadcast-export-broadcasts-title }»
audit-action-cli = command line
audit-none = —
audit-actor-user = user { $id }
audit-actor-cli = command line
audit-target-user = user { $id }
audit-target-campaign = campaign { $id }
audit-target-broadcast = broadcast { $id }
audit-target-faq-query = question { $id }
audit-target-ticket = request { $id }
audit-action-broadcast-send = broadcast sent
audit-action-broadcast-schedule = broadcast scheduled
audit-action-broadcast-pause = broadcast paused
audit-action-broadcast-resume = broadcast resumed
audit-action-broadcast-cancel = broadcast cancelled
audit-action-broadcast-segment = broadcast recipients chosen
audit-action-broadcast-show = broadcast viewed
audit-action-faq-answer = question answered
audit-action-status-import = application statuses imported
audit-action-ticket-take = request taken
audit-action-ticket-reply-mode = reply to a request started
audit-action-ticket-reply = request answered
audit-action-ticket-answer = request answered
audit-action-ticket-status = request status changed
audit-action-ticket-st = request status changed
audit-action-ticket-reopen = request reopened
audit-action-ticket-card = request viewed
audit-action-ticket-list = requests listed
audit-action-volunteers-search = volunteers searched
audit-action-ticket-assign = request assigned
audit-action-ticket-close = request closed
audit-action-ticket-note = internal note on a request
audit-action-person-block = person blocked
audit-action-person-unblock = person unblocked
audit-action-console-link = console sign-in link
audit-action-console-signin = console sign-in
audit-action-console-signout = console sign-out
audit-action-console-signout-all = console signed out everywhere
audit-action-console = web console
audit-action-broadcast = broadcast
audit-action-campaign = campaign
audit-field-roles = roles
audit-field-provinces = provinces
audit-field-role = role
audit-field-scheduled-at = sending time
audit-field-segment = audience
audit-field-recipients = recipients
audit-field-rows = rows
audit-field-format = file format
audit-field-start = from
audit-field-end = to
audit-field-campaign-id = campaign
audit-field-title-fa = Persian title
audit-field-title-en = English title
audit-field-description-fa = Persian description
audit-field-description-en = English description
audit-field-purpose = purpose
audit-field-scope = scope
audit-field-province-id = province
audit-field-county-id = county
audit-field-goal-rials = goal
audit-field-starts-at = start
audit-field-ends-at = end
audit-field-status = status
audit-field-image-file-id = image
audit-field-assignee-id = assigned to
audit-field-good = valid rows
audit-field-bad = invalid rows
audit-field-imported = imported
audit-field-created = new applications
audit-field-updated = updated applications
audit-field-area = area
audit-field-profession = profession
audit-field-province = province
audit-field-county = county
audit-field-page = page
audit-field-shown = shown
audit-note-text = text
audit-note-photo = photo
audit-note-document = file
audit-note-video = video
audit-note-audio = audio
audit-note-voice = voice message
audit-note-animation = animation

health-report =
    🩺 Hamdel health
    Version: { $version } (Python { $python })
    Messenger: { $platform } — { $mode }
    Database: { $database }
    Queues:
    { $backlog }
    Last error: { $error }
health-platform-telegram = Telegram
health-platform-bale = Bale
health-mode-polling = long polling
health-mode-webhook = webhook
health-db-ok = ✅ reachable ({ $dialect }, { $ms } ms)
health-db-failed = ❌ unreachable ({ $dialect }: { $error })
health-backlog-line = • { $name }: { $count }
health-backlog-failed = • { $name }: ❌ could not be read
health-backlog-none = • no queues registered
health-no-error = none since start ✅
health-last-error = { $when } — { $source }: { $message }

## Campaign management

campadm-list-title = 📣 Campaigns — choose one to view or change:
campadm-list-empty = No campaigns yet.
campadm-list-item = { $status } · { $title }
campadm-new = ➕ New campaign
campadm-step = Step { $number } of { $total }
campadm-ask-title-fa = Type the campaign's Persian title (e.g. «یلدای مهربانی»).
campadm-ask-title-en = Type the campaign's English title (e.g. "Yalda of Kindness").
campadm-ask-description-fa = Type the Persian description: who is the money for and what will it do?
campadm-ask-description-en = Type the English description.
campadm-ask-purpose = Choose the campaign's purpose:
campadm-ask-region = Where is the campaign for? Choose nationwide or a province:
campadm-ask-county = { $province } province: the whole province or one county?
campadm-region-which = Which one? Choose a button:
campadm-ask-goal = Type the goal in toman (e.g. "500 million" or "500,000,000").
campadm-ask-starts = Type the start date in the Solar Hijri calendar (e.g. 1405/09/15) or press "Today".
campadm-ask-ends = Type the end date in the Solar Hijri calendar (e.g. 1405/10/30). The campaign stays open through that day.
campadm-ask-image = If you have an image for the campaign, send it as a photo; otherwise press "No image".
campadm-today = Today
campadm-skip-image = No image
campadm-whole-province = Whole province
campadm-region-national = 🇮🇷 Nationwide
campadm-preview-title = Campaign preview — save it if it is right:
campadm-preview-donors = 👀 Donors will see the campaign like this:
campadm-card =
    Title (Persian): { $title_fa }
    Title (English): { $title_en }
    Purpose: { $purpose }
    Region: { $region }
    Goal: { $goal }
    From { $starts } to { $ends }
    Image: { $image }

    Persian description:
    { $description_fa }

    English description:
    { $description_en }
campadm-campaign-header =
    📣 Campaign #{ $id } — { $status }
    Raised: { $raised } ({ $percent }% of the goal) from { $count ->
            [one] { $count } gift
           *[other] { $count } gifts
        }
campadm-image-yes = yes
campadm-image-no = none
campadm-save = ✅ Save (as draft)
campadm-fix = ✏️ Fix a part
campadm-fix-which = Which part should we fix?
campadm-edit-which = Which part of "{ $title }" should we edit?
campadm-saved = ✅ The campaign was saved as a draft. Press "Activate" to open it for donations.
campadm-edited = ✅ Change saved.
campadm-unchanged = Nothing changed; the new value was the same as before.
campadm-activate = ▶️ Activate
campadm-pause = ⏸ Pause
campadm-edit = ✏️ Edit
campadm-close = ⏹ Close campaign
campadm-back-to-list = ↩️ Campaigns
campadm-close-ask = Close "{ $title }"? Once closed it takes no new donations and cannot be reopened.
campadm-close-confirm = ⏹ Yes, close it
campadm-close-keep = ↩️ No, keep it open
campadm-done-activate = ▶️ The campaign is active and takes donations.
campadm-done-pause = ⏸ The campaign is paused; it takes no donations until activated again.
campadm-done-close = ⏹ The campaign is closed; it takes no new donations.
campadm-remove-image = 🗑 Remove the current image
campadm-remove-image-hint = Or, if you no longer want the current image:
campadm-field-title-fa = Persian title
campadm-field-title-en = English title
campadm-field-description-fa = Persian description
campadm-field-description-en = English description
campadm-field-purpose = Purpose
campadm-field-region = Region
campadm-field-goal = Goal
campadm-field-starts = Start date
campadm-field-ends = End date
campadm-field-image = Image
campadm-purpose-living = Living costs
campadm-purpose-housing = Housing
campadm-purpose-dowry = Dowry kits
campadm-purpose-alms = Alms
campadm-purpose-orphans = Orphans
campadm-purpose-general = General needs
campadm-status-draft = 📝 Draft
campadm-status-active = 🟢 Active
campadm-status-paused = ⏸ Paused
campadm-status-closed = ⏹ Closed
campadm-error-title-short = The title is too short; at least { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    } please.
campadm-error-title-long = The title is too long; at most { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    }.
campadm-error-description-short = The description is too short; at least { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    } please.
campadm-error-description-long = The description is too long; at most { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    }.
campadm-error-goal-zero = The goal must be more than zero.
campadm-error-goal-invalid = I could not read that amount. Type a number in toman, e.g. "500 million" or "2000000".
campadm-error-goal-large = That amount is implausibly large; please check it.
campadm-error-date-format = I could not read that date. Type it as year/month/day in the Solar Hijri calendar, e.g. 1405/09/15.
campadm-error-date-year = Type the date in the Solar Hijri calendar with a four-digit year, e.g. 1405/09/15; Gregorian dates are not accepted.
campadm-error-date-invalid = That date does not exist in the Solar Hijri calendar; check the day and month.
campadm-error-end-before-start = The end date cannot be before the start date.
campadm-error-end-past = The end date has passed; type a date from today on.
campadm-error-purpose = Unknown purpose; choose from the buttons.
campadm-error-region = I don't know that region; type a province or county name, or choose from the buttons.
campadm-error-incomplete = The draft is incomplete; fill in the empty parts.
campadm-error-closed = This campaign is closed and can no longer change.
campadm-error-field = That part cannot be edited.
campadm-error-action = That is not possible in the campaign's current state.
campadm-error-not-found = Campaign not found.
campadm-error-other-province = This campaign belongs to another province; you see and create your own provinces’ campaigns only.
campadm-error-already-active = This campaign is already active.
campadm-error-already-paused = This campaign is already paused.
campadm-error-already-closed = This campaign was already closed.
campadm-error-activate-ended = This campaign's end date has passed; edit the end date first.
campadm-error-need-text = Please type your answer as text.
campadm-error-need-photo = Please send the image as a photo, or press "No image".
campadm-error-use-buttons = Please choose one of the buttons above.
campadm-error-use-preview = Please save or fix with the preview's buttons, or send /cancel.

## Statistics

stats-title = 📊 Hamdel statistics — { $when }
stats-no-donations = No donations have been paid yet.
stats-today = Today: { $amount } from { $count ->
        [one] { $count } gift
       *[other] { $count } gifts
    }
stats-week = This week: { $amount } from { $count ->
        [one] { $count } gift
       *[other] { $count } gifts
    }
stats-month = This month ({ $month }): { $amount } from { $count ->
        [one] { $count } gift
       *[other] { $count } gifts
    }
stats-all-time = All time: { $amount } from { $count ->
        [one] { $count } gift
       *[other] { $count } gifts
    }
stats-donors =
    Donors: { $donors }
    Average gift: { $average } — median: { $median }
stats-by-campaign = By campaign:
stats-by-purpose = By purpose:
stats-by-province = By province:
stats-group-line = • { $name }: { $amount } ({ $count ->
        [one] { $count } gift
       *[other] { $count } gifts
    })
stats-goal-part = , { $percent }% of the goal
stats-more = and { $count } more
stats-unspecified = unspecified
stats-national = Nationwide
stats-section-empty = No data.
stats-provinces-only = 📍 Your provinces only: { $provinces }
stats-chart-daily = 📈 Last 30 days chart
stats-chart-province = 🗺 Provinces chart
stats-chart-campaign = 📣 Campaigns chart
stats-chart-axis = toman
stats-chart-daily-title = Donations, last { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
stats-chart-daily-span = { $start } – { $end } — total { $amount }
stats-chart-province-title = Donations by province
stats-chart-campaign-title = Donations by campaign
stats-chart-until = until { $when }
stats-chart-no-data = No data for this chart yet; no donations were paid in this period.

## Exports

export-choose = 📁 What would you like to export?
export-none-allowed = No exports are available to your role.
export-choose-period = { $title } — which period?
export-period-month = This month
export-period-30d = Last 30 days
export-period-year = This year
export-period-all = Everything
export-period-custom = 📅 Custom range
export-ask-range = Type the range in Solar Hijri dates, e.g.: 1405/01/01 to 1405/09/30
export-choose-campaign =
    Period: { $range }
    All campaigns or one campaign?
export-all-campaigns = All campaigns
export-choose-format =
    Period: { $range }
    Choose the file format:
export-choose-format-short = Choose the file format:
export-format-csv = CSV (Excel and any spreadsheet)
export-format-xlsx = XLSX (Excel)
export-range-all = all time
export-range = { $start } – { $end }
export-no-rows = No rows of "{ $title }" in { $range }. Try another period or campaign.
export-done = 📁 { $title } — { $count ->
        [one] { $count } row
       *[other] { $count } rows
    } — { $range }
export-truncated = ⚠️ Only the first { $limit ->
        [one] { $limit } row
       *[other] { $limit } rows
    } are included; choose a shorter period.
export-again = 📁 Another export
export-stale = This button belongs to an older message and no longer works; continue from the latest message (or send /export).
export-error-other-province = This campaign belongs to another province; you may export only your provinces' campaigns.
export-error-period = Unknown period.
export-error-range-format = I could not read that range. Type two Solar Hijri dates, e.g.: 1405/01/01 to 1405/09/30
export-error-range-date = One of the dates does not exist in the Solar Hijri calendar; check the day and month.
export-error-range-order = The range ends before it starts.
export-donations-title = Donations
export-audit-title = Staff audit log
export-col-id = id
export-col-receipt = receipt number
export-col-paid-at = paid at
export-col-amount-toman = amount (toman)
export-col-amount-rials = amount (rials)
export-col-campaign-id = campaign id
export-col-campaign = campaign
export-col-purpose = purpose
export-col-province = province
export-col-county = county
export-col-donor = donor number
export-col-provider = provider
export-col-provider-ref = provider reference
export-col-status = status
export-col-at = time
export-col-actor = user
export-col-action = action
export-col-target = target
export-col-allowed = allowed
export-col-before = before
export-col-after = after
export-col-note = note
export-purpose-living = living costs
export-purpose-housing = housing
export-purpose-dowry = dowry kits
export-purpose-alms = alms
export-purpose-orphans = orphans
export-purpose-general = general needs
export-status-pending = pending
export-status-paid = paid
export-status-failed = failed
export-status-refunded = refunded
export-yes = yes
export-no = no

## Command line (python -m bot admin …)

cli-role-line = { $user_id }	{ $role }
cli-force-hint = If you are sure (for example the first administrator, before the bot runs), run the same command with --force.
cli-confirm-with-yes = To confirm, run the same command with --yes.
cli-yes-no = (yes/no)
cli-not-confirmed = No role was given.
cli-export-unknown = Unknown export "{ $name }". Available: { $names }
cli-export-written = Wrote { $count ->
        [one] { $count } row
       *[other] { $count } rows
    } ({ $range }) to { $path }.
