## Dowry-kit eligibility questionnaire. The questions, rules and outcomes themselves are in
## data/eligibility.yaml.

eligibility-menu = 🎁 Dowry kit eligibility
eligibility-cmd = Check dowry-kit eligibility

eligibility-intro =
    🎁 Dowry-kit eligibility check

    { $count ->
        [one] One short question gives
       *[other] About { $count } short questions give
    } you a first estimate: whether you may receive a dowry kit from the Welfare Organization, which documents you need and where to go.

    ⚠️ { $notice }

    At every step you can go back one question or cancel. Your answers are kept only for this check and deleted once the result is shown.
eligibility-start-button = ▶️ Start
eligibility-resume =
    You left the dowry-kit questionnaire half-way ({ $answered ->
            [one] { $answered } question
           *[other] { $answered } questions
        } answered).
    Continue where you stopped, or start over?
eligibility-resume-button = ▶️ Continue where I stopped
eligibility-restart-button = 🔄 Start over
eligibility-updated = The dowry-kit questions have been updated and your earlier answers no longer apply; please start again.

eligibility-question-header = 📝 Question { $number }
eligibility-type-number = Type a number, e.g. 25.
eligibility-type-date = Type a Jalali date, e.g. 1404/07/28 or 28 Mehr 1404.
eligibility-date-gregorian = 📅 I took the Gregorian date { $gregorian } as { $jalali } (Solar Hijri).
eligibility-date-understood = 📅 I took the date as { $jalali }.
eligibility-yes = Yes
eligibility-no = No
eligibility-stale = That button belongs to another question; here is the current one again.
eligibility-expired = This questionnaire is no longer open; please start again from the menu.
eligibility-text-expected = Please type your answer or tap one of the buttons.

eligibility-province = 📍 To name the Welfare office near you, choose your province or type its name.
eligibility-county = 📍 Choose your county in { $province } province, or type its name.
eligibility-region-skip = ⏭ I'd rather not say
eligibility-region-unknown = I didn't recognise “{ $text }”. Please pick from the list or type the name again.
eligibility-region-which = Which one do you mean?

eligibility-result-title = 🧾 First estimate: { $title }
eligibility-result-sample = ⚠️ This result is based on sample criteria (edition of { $date }) that the Welfare Organization has yet to confirm; it is only a first estimate, and the final decision rests with your county Welfare office.
eligibility-result-reasons = Why:
eligibility-result-documents = Documents to bring:
eligibility-result-next = Next step:
eligibility-ask-staff = 💬 Talk to a staff member
eligibility-again = 🔄 Check again
