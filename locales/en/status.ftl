## Dowry-kit application status: lookup by tracking code and national code, change notices,
## and the staff's CSV import.

status-menu = 🔎 Application status
status-cmd = Check a dowry-kit application
status-import-cmd = Import application statuses (CSV)

status-ask-tracking =
    🔎 Dowry-kit application status

    Type the tracking code the Welfare office gave you.
status-bad-tracking = That doesn't look like a tracking code. Tracking codes are digits (sometimes with Latin letters); please type it again.
status-ask-national =
    Type the applicant's 10-digit national code.
    🔒 It is used only for matching; it is not stored and never shown.
status-bad-national = That national code is not valid: it must have 10 digits and its last digit must match the others. Please check it and type it again.
status-not-found =
    No application matches this tracking code and national code. Please compare both with the Welfare office's slip and type the tracking code again.
    (You can try { $count ->
        [one] once more
       *[other] { $count } more times
    }.)
status-limited = To protect applicants' data, you have to wait a little after several unsuccessful searches. Please try again in { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
status-text-expected = Please type the code as text.

status-result =
    📄 Application { $code }
    Status: { $status }
    Since: { $date }
status-result-note = Office note: { $note }
status-changed-header = 🔔 Your application's status has changed.

status-name-received = Registered
status-name-reviewing = Under review
status-name-needs_documents = Documents needed
status-name-queued = In the queue
status-name-approved = Approved
status-name-delivered = Dowry kit delivered
status-name-rejected = Not accepted
status-explain-received = Your application is registered at the Welfare office and will be reviewed soon.
status-explain-reviewing = A Welfare caseworker is reviewing your file.
status-explain-needs_documents = Some documents must be taken to your county's Welfare office; see the office note or contact the office.
status-explain-queued = Your application is accepted and in the queue; the queue moves as funds and donors allow.
status-explain-approved = Your application is approved; the Welfare office will tell you when and where to collect the kit.
status-explain-delivered = The dowry kit has been delivered. We wish you a blessed life together 🌱
status-explain-rejected = The application was not accepted. For the reason or to appeal, contact your county's Welfare office.

status-follow-button = 🔔 Tell me when the status changes
status-unfollow-button = 🔕 Stop telling me
status-another-button = 🔎 Check another application
status-followed = 🔔 Done: whenever the status of application { $code } changes, I'll tell you here.
status-already-followed = You're already following this application.
status-unfollowed = 🔕 I'll no longer send you changes to application { $code }.
status-stale = This button is no longer valid; please check again.

status-import-prompt =
    📥 Send the CSV file of application statuses (at most { $size }).
    First line, the column names: tracking code, national code, status, note, date. Dates in Jalali (1404/07/28) or ISO (2025-10-20); status one of: { $statuses }.
    Applications already in the database are updated.
status-import-not-csv = This file is not a CSV. In Excel choose “Save as”, then “{ $format }”, and send the file again.
status-import-too-large = This file is larger than allowed ({ $size }). Please send it as several smaller files.
status-import-download-failed = The file could not be downloaded; please send it again.
status-import-empty = This file is empty; nothing was imported.
status-import-not-text = This file is not a text file and could not be read; nothing was imported. Please save it as “{ $format }”.
status-import-no-header = The first line must name the columns, and these were not found: { $columns }. Nothing was imported.
status-import-too-many = This file has more than { $limit ->
        [one] { $limit } row
       *[other] { $limit } rows
    }; nothing was imported. Please split it into several files.
status-import-summary = 📥 Import of “{ $name }”: { $total ->
        [one] { $total } row
       *[other] { $total } rows
    } read; { $good } good and { $bad } bad.
status-import-done = ✅ The good rows were imported: { $created } new, { $updated } updated, { $unchanged } unchanged. { $notified ->
        [one] { $notified } person
       *[other] { $notified } people
    } will be told their status changed.
status-import-none-good = ⛔ There were no good rows; nothing was imported.
status-import-skipped = ⛔ Nothing was imported because more than half of the rows were bad. Check the column names and order, and send the file again.
status-import-bad-heading = Bad rows (not imported):
status-import-bad-line = • line { $line }: { $problem }
status-import-bad-more = … and { $count ->
        [one] { $count } more bad row
       *[other] { $count } more bad rows
    }.
status-import-progress = ⏳ Importing “{ $name }”, rows done: { $done } of { $total }… The bot keeps answering everyone meanwhile.
status-import-progress-done = ✅ Import of “{ $name }” finished, rows: { $total }.
status-import-stale-key = ⚠️ { $count ->
        [one] { $count } application was
       *[other] { $count } applications were
    } stored under another key and can't be found until they are imported again.
status-problem-columns = missing columns
status-problem-tracking_code = missing or malformed tracking code
status-problem-national_code = missing or invalid national code
status-problem-status = unknown status
status-problem-date = missing or invalid date
status-problem-note = note too long
status-problem-duplicate = the tracking code is repeated on another line of this file
status-column-tracking_code = tracking code
status-column-national_code = national code
status-column-status = status
status-column-date = date
status-size-kb = { $number } KB
