## Volunteer network: sign-up, edit, withdraw, and the staff search.

volunteer-menu-button = 🤝 Volunteer
volunteer-cmd = Join the volunteer network
volunteer-cmd-search = Search volunteers (staff)

volunteer-intro =
    Thank you for wanting to join the Welfare Organization's volunteer network 🌱
    Signing up takes about a minute, and you can edit or cancel it whenever you like.
volunteer-step = Step { $number } of { $total }
volunteer-toggle = { $mark } { $label }
volunteer-mark-on = ✅
volunteer-mark-off = ⬜️
volunteer-continue = Continue ›
volunteer-list-separator = { ", " }
volunteer-none = none given

volunteer-areas-prompt = Which areas would you like to help in? Choose one or more, then press “Continue”.
volunteer-areas-none = Please choose at least one area.
volunteer-area-health = Health
volunteer-area-empowerment = Empowerment
volunteer-area-cultural = Cultural
volunteer-area-construction = Construction
volunteer-area-extracurricular = Extracurricular

volunteer-profession-prompt = What is your profession or field? Choose from the list, or type it if it is not there (for example “nutritionist”).
volunteer-profession-other-button = ✍️ Another profession (type it)
volunteer-profession-type-it = Type the name of your profession here and send it.
volunteer-profession-detail = { $profession } ({ $detail })
volunteer-profession-physician = Physician
volunteer-profession-nurse = Nurse / midwife
volunteer-profession-psychologist = Psychologist / counsellor
volunteer-profession-social_worker = Social worker
volunteer-profession-rehabilitation = Rehabilitation (physio, OT…)
volunteer-profession-teacher = Teacher / trainer
volunteer-profession-engineer = Engineer / architect
volunteer-profession-technician = Skilled tradesperson
volunteer-profession-lawyer = Lawyer / legal expert
volunteer-profession-artist = Artist / athlete
volunteer-profession-student = Student
volunteer-profession-other = Other

volunteer-skills-prompt = Describe your skills and experience in a few words (for example “first aid, sign language, driving”); at most { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    }. If there is nothing to add, press “Skip”.
volunteer-skills-current = Skills on record: { $skills }
volunteer-skills-skip = ⏭ Skip

volunteer-province-prompt = Choose the province where you live or work, or type its name. (page { $page } of { $pages })
volunteer-county-prompt = Choose your county in { $province } province, or type its name. (page { $page } of { $pages })
volunteer-change-province = ↩️ Change province
volunteer-province-not-found = I could not find a province by that name. Please choose from the list.
volunteer-county-not-found = I could not find a county by that name in { $province } province. Please choose from the list.
volunteer-did-you-mean = Which one do you mean?
volunteer-show-list = 📋 Show the full list
volunteer-county-outside = That county is not in the province you chose. Please choose from the new list.
volunteer-invalid-button = This button is not valid. Please choose from the new list.
volunteer-going-back = All right, one step back.
volunteer-old-button = This button belongs to an older message and no longer works; please continue from the latest message.

volunteer-availability-prompt = When can you help? Choose as many as suit you, then press “Continue”.
volunteer-availability-none = Please choose at least one time.
volunteer-when-weekdays = Weekdays
volunteer-when-evenings = Evenings
volunteer-when-weekends = Weekends and holidays
volunteer-when-emergencies = Emergencies and disasters

volunteer-mobile-prompt = Send the mobile number we should call you on: press “Send my number” or type it (for example 09121234567).
volunteer-mobile-current = Current number: { $mobile }
volunteer-mobile-share-button = 📱 Send my number
volunteer-mobile-keep-button = ↩️ Keep my current number
volunteer-mobile-cancel-button = ✖️ Cancel sign-up
volunteer-mobile-invalid = That is not a valid mobile number. Type an 11-digit number starting with 09 (for example 09121234567), or press “Send my number”.
volunteer-mobile-not-own = We can only accept your own number. Press “Send my number” or type your number.
volunteer-mobile-not-iranian = That is not an Iranian mobile number. Please type an Iranian mobile number (for example 09121234567).
volunteer-mobile-need = Please send your number with the “Send my number” button or type it.
volunteer-mobile-saved = Number { $mobile } recorded ✅
volunteer-mobile-kept = Your number stays as it was.
volunteer-cancelled = Cancelled; nothing was saved.

volunteer-consent-text =
    Consent
    By pressing “I agree” you allow the Welfare Organization to keep this information: your areas, profession and skills, province and county, when you can help, and your mobile number. Nothing else is stored, not even your name.
    • It is used only to invite you to volunteer work in your areas and region: authorised Welfare staff will call you on this number or message you here.
    • Your information is not published and is not given to other people or organisations.
    • Whenever you like, /volunteer lets you edit it, or delete all of it for good with “Withdraw”.
volunteer-consent-agree = ✅ I agree

volunteer-summary-title = Please check your information:
volunteer-profile =
    Areas: { $areas }
    Profession: { $profession }
    Skills: { $skills }
    Province / county: { $region }
    Availability: { $availability }
    Mobile: { $mobile }
volunteer-summary-hint = If it is right, press “Confirm”; to change a part, press “Edit”.
volunteer-confirm = ✅ Confirm and sign up
volunteer-save-changes = ✅ Save changes
volunteer-edit = ✏️ Edit
volunteer-edit-which = Which part would you like to change?
volunteer-edit-areas = Areas
volunteer-edit-profession = Profession
volunteer-edit-skills = Skills
volunteer-edit-province = Province and county
volunteer-edit-availability = Availability
volunteer-edit-mobile = Mobile number
volunteer-back-to-summary = ↩️ Back to the summary
volunteer-incomplete = Something is missing; please complete this part.
volunteer-saved =
    You have joined the Welfare Organization's volunteer network 🌱 Thank you for your kindness!
    Our colleagues will call you whenever there is work in your areas and region. To edit or withdraw, send /volunteer at any time.
volunteer-updated = Your changes are saved ✅
volunteer-saved-short = Saved ✅

volunteer-registered = You have been in the volunteer network since { $date }; there is no need to sign up again. If your details changed, press “Edit”.
volunteer-withdraw = 🗑 Withdraw and delete my data
volunteer-withdraw-confirm = Withdrawing deletes all your sign-up information (your mobile number included) for good. Are you sure?
volunteer-withdraw-yes = Yes, delete my data
volunteer-withdraw-no = No, keep it
volunteer-withdrawn = You have left the network and your information has been deleted. Thank you for being with us; you are welcome back any time.
volunteer-join-again = 🤝 Join again
volunteer-not-registered = You have not signed up to the volunteer network.

volunteer-use-buttons = Please use the buttons below.
volunteer-need-text = Please type your answer as text or use the buttons.
volunteer-too-long = Your text is longer than { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    }; please shorten it.

volunteer-search-title =
    🔎 Volunteer search
    Area: { $area }
    Profession: { $profession }
    Province: { $province }
    County: { $county }
    Volunteers matching: { $count }
volunteer-search-all = All
volunteer-search-area = Area: { $value }
volunteer-search-profession = Profession: { $value }
volunteer-search-province = Province: { $value }
volunteer-search-county = County: { $value }
volunteer-search-show = 📋 Show the list ({ $count })
volunteer-search-clear = 🧹 Clear filters
volunteer-search-change = ✏️ Change filters
volunteer-search-choose-area = Choose an area:
volunteer-search-choose-profession = Choose a profession:
volunteer-search-choose-province = Choose a province:
volunteer-search-choose-county = Choose a county:
volunteer-search-page = { $title } (page { $page } of { $pages })
volunteer-search-results = { $count ->
        [one] { $count } volunteer
       *[other] { $count } volunteers
    } — page { $page } of { $pages }
volunteer-search-empty = No volunteers match these filters.
volunteer-search-item =
    { $number }. { $profession } — { $areas }
    📍 { $region } | 🕒 { $availability }
    📱 { $mobile } | joined { $date }
volunteer-search-mobile-shared = { $mobile } (verified)
volunteer-search-item-skills = 💬 { $skills }

## Staff tools: the volunteers export
volunteer-export-title = Volunteers
volunteer-export-col-volunteer_id = ID
volunteer-export-col-platform = Messenger
volunteer-export-col-areas = Areas
volunteer-export-col-profession = Profession
volunteer-export-col-profession_text = Profession (as typed)
volunteer-export-col-skills = Skills
volunteer-export-col-province_id = Province code
volunteer-export-col-province = Province
volunteer-export-col-county_id = County code
volunteer-export-col-county = County
volunteer-export-col-weekdays = Weekdays
volunteer-export-col-evenings = Evenings
volunteer-export-col-weekends = Weekends
volunteer-export-col-emergencies = Emergencies
volunteer-export-col-mobile = Mobile
volunteer-export-col-mobile_shared = Number from own contact
volunteer-export-col-consent_version = Consent version
volunteer-export-col-consented_at = Consented at
volunteer-export-col-created_at = Signed up at
volunteer-export-col-updated_at = Last edited
volunteer-export-platform-telegram = Telegram
volunteer-export-platform-bale = Bale
volunteer-export-yes = Yes
volunteer-export-no = No
