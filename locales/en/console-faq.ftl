## The console's FAQ pages: the list, the entry form, its history, and the learning loop.

console-nav-faq = FAQ
console-forbidden-faq-role = Only admins may edit the FAQ.
console-faq-not-found = There is no such FAQ entry.

console-faq-title = Frequently asked questions
console-faq-new = New entry
console-faq-export = Download as YAML
console-faq-search-placeholder = A word of the question, its phrasings or the answer
console-faq-total = { $count ->
    [one] One entry
   *[other] { $count } entries
}
console-faq-feedback-title = "Helpful" and "Didn't answer my question" in the chat
console-faq-updated = updated { $when }
console-faq-history = History
console-faq-back = ↩️ All entries
console-faq-edit-title = Edit entry

console-faq-done-saved = ✅ Saved; within seconds the bot answers with this text.
console-faq-done-created = ✅ Entry added; within seconds the bot knows it.
console-faq-done-deleted = ✅ Entry deleted; its history can bring it back.
console-faq-done-reverted = ✅ The chosen version is back.
console-faq-done-phrasing = ✅ The question was added as a phrasing of that entry.
console-faq-done-unchanged = Nothing had changed.

console-faq-problem-stale = A colleague changed this entry after you opened this page. Your text is kept; open the entry in another tab, look at the changes and save again.
console-faq-problem-invalid = This version does not meet today's rules (a menu section or setting it names may be gone); edit it in the form.
console-faq-problem-not-found = There is no such version.

console-faq-field-id = Id
console-faq-hint-id = Lower-case Latin letters, digits and "_", like office_hours; it cannot change later.
console-faq-field-topic = Topic
console-faq-field-question-fa = Question (Persian)
console-faq-field-question-en = Question (English)
console-faq-field-alternatives-fa = Other phrasings of the question (Persian)
console-faq-field-alternatives-en = Other phrasings of the question (English)
console-faq-hint-alternatives = One per line, as people ask it, colloquial or Finglish too.
console-faq-field-answer-fa = Answer (Persian)
console-faq-field-answer-en = Answer (English)
console-faq-hint-answer = Lines are joined in the chat. Do not type official figures or settings; the settings an answer may quote: { $known }
console-faq-field-action = Button under the answer
console-faq-no-action = No button
console-faq-preview-button = Preview
console-faq-save = Save
console-faq-delete = Delete
console-faq-preview-title = The answer as the chat shows it

console-faq-error-required = Please fill this in.
console-faq-error-id-format = An id is lower-case Latin letters, digits and "_", starting with a letter.
console-faq-error-id-too-long = This id is too long for the bot's buttons; shorten it.
console-faq-error-id-taken = An entry has (or had) this id; choose another.
console-faq-error-topic-unknown = Choose one of the listed topics.
console-faq-error-action-unknown = The bot's menu has no such button.
console-faq-error-placeholder-unknown = The answer quotes a setting the bot does not know. The settings an answer may quote: { $known }
console-faq-error-placeholder-in-question = A question cannot quote a setting.
console-faq-error-too-long = The question and answer together are too long for one message; shorten them.
console-faq-error-invalid = This entry does not meet the FAQ's rules.

console-faq-revision = Version { $number }
console-faq-restores = restores version { $number }
console-faq-current = current version
console-faq-changed = Changed
console-faq-revert = Restore this version
console-faq-action-seed = from the first file
console-faq-action-create = added
console-faq-action-edit = edited
console-faq-action-delete = deleted
console-faq-action-revert = restored
console-faq-action-phrasing = new phrasing
console-faq-action-import = imported
console-faq-part-topic = topic
console-faq-part-question = question
console-faq-part-alternatives = other phrasings
console-faq-part-answer = answer
console-faq-part-action = button

console-faq-asked-title = What people asked
console-faq-asked-hint = Questions of the last thirty days that the FAQ does not have yet, similar ones grouped, the most asked first. Personal numbers were masked before they were stored.
console-faq-asked-empty = No new questions left.
console-faq-asked-count = { $count ->
    [one] asked once
   *[other] asked { $count } times
}
console-faq-did-confident = answered
console-faq-did-suggest = suggested
console-faq-did-none = found nothing
console-faq-did-long = long message
console-faq-did-direct = for a person
console-faq-to-person = { $count ->
    [one] sent to a person once
   *[other] sent to a person { $count } times
}
console-faq-asked-new = ➕ New entry from this
console-faq-asked-phrasing-of = A phrasing of
console-faq-asked-phrasing = Add
console-faq-asked-staff-answer = The staff's answer
console-faq-asked-new-answered = ➕ New entry with the staff's answer

## The FAQ's changes on /audit.
audit-action-faq = FAQ change
audit-action-faq-create = FAQ entry added
audit-action-faq-edit = FAQ entry edited
audit-action-faq-delete = FAQ entry deleted
audit-action-faq-revert = FAQ entry version restored
audit-action-faq-phrasing = FAQ phrasing added

console-faq-import-link = Upload a YAML file
console-faq-import-title = Upload the FAQ from a YAML file
console-faq-import-file = The FAQ's YAML file
console-faq-import-hint = The same format as "Download as YAML" (at most 1 MB). It is only checked first and you see the report; nothing changes until you press "Import".
console-faq-import-check = Check the file
console-faq-import-report = What importing would do
console-faq-import-new = { $count ->
    [one] One new entry
   *[other] { $count } new entries
}
console-faq-import-changed = { $count ->
    [one] One changed entry
   *[other] { $count } changed entries
}
console-faq-import-unchanged = { $count ->
    [one] One unchanged entry
   *[other] { $count } unchanged entries
}
console-faq-import-error = { $count ->
    [one] One entry with errors
   *[other] { $count } entries with errors
}
console-faq-import-line-new = new
console-faq-import-line-changed = changes
console-faq-import-line-unchanged = unchanged
console-faq-import-line-error = has errors
console-faq-import-new-topics = New topics
console-faq-import-kept = { $count ->
    [one] One current entry is not in this file and stays as it is (an import deletes nothing).
   *[other] { $count } current entries are not in this file and stay as they are (an import deletes nothing).
}
console-faq-import-apply-hint = { $count ->
    [one] Importing gives the new or changed entry a new revision, which its history can revert.
   *[other] Importing gives each of the { $count } new or changed entries a new revision, which its history can revert.
}
console-faq-import-apply = Import
console-faq-import-nothing = This file changes nothing.
console-faq-import-fix-first = The file cannot be imported until the entries with errors are fixed. Fix the file and check it again.
console-faq-import-file-yaml = This file is not valid YAML.
console-faq-import-file-format = This file is not in the FAQ's format (topics and a list of entries).
console-faq-import-problem-file = The file must be UTF-8 text of at most 1 MB.
console-faq-import-problem-empty = No file was chosen, or it is empty.
console-faq-import-problem-stale = The FAQ changed after the check; the report below is what importing would do now. Look again and import if it is right.
console-faq-import-problem-invalid = The file no longer meets the rules; see the report below.
console-faq-done-imported = ✅ The file was imported; within a few seconds the bot answers with these entries.
