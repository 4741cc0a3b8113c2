## Donors' complaints and problems to the working group (کارگروه): tickets.

complaints-menu = 📝 طرح مشکل با کارگروه
complaints-cmd-complaint = طرح مشکل یا شکایت با کارگروه
complaints-cmd-mytickets = درخواست‌های من و پاسخ‌ها
complaints-cmd-tickets = صندوق درخواست‌های نیکوکاران (کارکنان)

## Filing

complaints-intro =
    📝 طرح مشکل با کارگروه رسیدگی به مشکلات نیکوکاران
    کارگروه مشکل شما را بررسی می‌کند و پاسخ را همین‌جا برایتان می‌فرستد.
    موضوع مشکل را انتخاب کنید:

complaints-category-payment = 💳 پرداخت یا رسید
complaints-category-transparency = 📊 شفافیت پویش
complaints-category-conduct = 👤 رفتار کارکنان
complaints-category-dowry = 🎁 روند جهیزیه
complaints-category-technical = 🛠 مشکل فنی
complaints-category-suggestion = 💡 پیشنهاد
complaints-category-other = 📌 سایر موارد

complaints-ask-description =
    موضوع: { $category }
    حالا مشکل را با جزئیات بنویسید: چه اتفاقی افتاد، کی و کجا (دست‌کم { $minimum } و حداکثر { $limit } نویسه).
    اگر عکس یا سندی دارید، در مرحلهٔ بعد می‌توانید بفرستید.
complaints-description-empty = متنی دریافت نشد. لطفاً مشکل را در چند جمله بنویسید.
complaints-description-too-long = متن شما { $length } نویسه است؛ بیشتر از حد مجاز ({ $limit } نویسه). لطفاً کوتاه‌ترش کنید و دوباره بفرستید.
complaints-description-not-text = لطفاً مشکل را به صورت متن بنویسید؛ پیام صوتی، استیکر و مانند آن را نمی‌توانم ثبت کنم.
complaints-description-after-attachment = پیوست را گرفتم 📎 حالا لطفاً مشکل را به صورت متن هم بنویسید.

complaints-ask-attachments =
    اگر عکس رسید، تصویر صفحه یا سندی دارید، همین حالا بفرستید (حداکثر { $limit } پیوست).
    اگر پیوستی ندارید، «بدون پیوست / ادامه» را بزنید.
complaints-button-no-attachment = بدون پیوست / ادامه
complaints-button-continue = ادامه ›
complaints-attachment-received = 📎 پیوست { $count } از { $limit } دریافت شد. اگر پیوست دیگری دارید بفرستید؛ وگرنه «ادامه» را بزنید.
complaints-attachment-limit = به سقف { $limit } پیوست رسیده‌اید و این یکی ثبت نشد. لطفاً «ادامه» را بزنید.
complaints-attachment-unsupported = فقط عکس و فایل (سند) را می‌توانم پیوست کنم. اگر پیوست دیگری ندارید، «ادامه» را بزنید.
complaints-attachment-text-added = این متن هم به شرح مشکل افزوده شد. اگر پیوستی دارید بفرستید؛ وگرنه «ادامه» را بزنید.

complaints-ask-donation = آیا این مشکل به یکی از کمک‌های شما مربوط است؟ اگر بله، آن را انتخاب کنید:
complaints-button-no-donation = به کمک خاصی مربوط نیست
complaints-donation-line = { $amount } · { $target } · { $date }
complaints-donation-receipt = رسید { $receipt }
complaints-purpose-living = معیشت
complaints-purpose-housing = مسکن
complaints-purpose-dowry = جهیزیه
complaints-purpose-alms = صدقه
complaints-purpose-orphans = ایتام
complaints-purpose-general = نیازهای عمومی

complaints-ask-anonymity =
    آیا می‌خواهید ناشناس بمانید؟
    اگر «ناشناس» را انتخاب کنید، کارشناسان کارگروه نه نام شما را می‌بینند و نه شناسهٔ حساب‌تان را؛ پاسخ‌ها باز هم همین‌جا به دست‌تان می‌رسد.
complaints-button-anonymous = 🙈 ناشناس بمانم
complaints-button-named = 👤 نامم نمایش داده شود

complaints-ask-contact =
    اگر مایلید کارشناس با شما تماس بگیرد، شمارهٔ همراه‌تان را بنویسید (مثل { $example }) یا دکمهٔ «ارسال شمارهٔ من» را بزنید.
    این کار اختیاری است؛ برای ادامه بدون شماره، «بدون شماره» را بزنید.
complaints-ask-contact-anonymous-note = توجه: اگر شماره بدهید، کارشناسان آن را می‌بینند.
complaints-button-share-contact = 📱 ارسال شمارهٔ من
complaints-button-skip-contact = بدون شماره
complaints-contact-invalid = این شمارهٔ همراه معتبر نیست. شماره‌ای مثل { $example } بنویسید یا «بدون شماره» را بزنید.
complaints-contact-not-text = لطفاً شمارهٔ همراه را بنویسید یا دکمهٔ «ارسال شمارهٔ من» را بزنید؛ برای ادامه بدون شماره، «بدون شماره» را بزنید.
complaints-contact-not-own = لطفاً شمارهٔ خودتان را بفرستید: دکمهٔ «ارسال شمارهٔ من» را بزنید یا شماره را بنویسید.
complaints-contact-saved = شمارهٔ { $mobile } ثبت شد.
complaints-contact-skipped = بدون شمارهٔ تماس ادامه می‌دهیم.

complaints-summary =
    لطفاً درخواست‌تان را پیش از ارسال بازبینی کنید:

    موضوع: { $category }
    پیوست‌ها: { $attachments }
    کمک مرتبط: { $donation }
    شمارهٔ تماس: { $mobile }
    نمایش به کارشناسان: { $anonymity }

    شرح مشکل:
    { $description }
complaints-summary-anonymous = ناشناس
complaints-summary-named = با نام
complaints-none = ندارد
complaints-button-submit = ✅ ثبت و ارسال به کارگروه
complaints-button-restart = ↺ از نو

complaints-created =
    ✅ درخواست شما ثبت و برای کارگروه فرستاده شد.
    شمارهٔ پیگیری: { $number }
    کارگروه معمولاً ظرف { $hours } ساعت رسیدگی را آغاز می‌کند و پاسخ همین‌جا برایتان می‌آید. وضعیت درخواست‌ها را با /mytickets ببینید.
complaints-already-filed = این درخواست پیش‌تر با شمارهٔ { $number } ثبت شده است.
complaints-stale = این دکمه از پیامی قدیمی است و دیگر کار نمی‌کند؛ لطفاً از آخرین پیام ادامه دهید.
complaints-error-empty = شرح مشکل خالی است. لطفاً از نو شروع کنید.
complaints-error-too-long = شرح مشکل از حد مجاز بلندتر است.
complaints-error-too-many-attachments = تعداد پیوست‌ها بیش از حد مجاز است.
complaints-error-foreign-donation = این کمک در فهرست کمک‌های شما نیست.
complaints-error-invalid = این انتخاب معتبر نیست.
complaints-error-not-yet = پس از رسیدگی کارگروه می‌توانید امتیاز بدهید.
complaints-error-closed = این درخواست بسته شده است.

complaints-status-new = 🆕 ثبت‌شده
complaints-status-in_progress = ⏳ در حال رسیدگی
complaints-status-answered = 💬 پاسخ داده شد
complaints-status-closed = 🔒 بسته

complaints-age-now = کمتر از یک دقیقه
complaints-age-minutes = { $count } دقیقه
complaints-age-hours = { $count } ساعت
complaints-age-days = { $count } روز

## What the donor is told

complaints-notice-in-progress = ⏳ درخواست { $number } در دست بررسی کارگروه است. نتیجه را همین‌جا به شما خبر می‌دهیم.
complaints-notice-answered = 💬 کارگروه به درخواست { $number } رسیدگی کرد. اگر پرسش دیگری دارید، به همین پیام پاسخ دهید یا از /mytickets پیام تازه بفرستید.
complaints-notice-closed = 🔒 درخواست { $number } بسته شد. سپاسگزاریم که با ما در میان گذاشتید. رسیدگی کارگروه را از یک تا پنج چطور ارزیابی می‌کنید؟
complaints-notice-reopened = 🔓 درخواست { $number } دوباره باز شد و کارگروه آن را پیگیری می‌کند.
complaints-answer-header = 💬 پاسخ کارگروه به درخواست { $number }:
complaints-button-write = ✍️ نوشتن پاسخ
complaints-button-solved = ✅ مشکلم حل شد
complaints-rate-button = { $stars } ⭐
complaints-rate-ask = رسیدگی به درخواست { $number } را از یک (ضعیف) تا پنج (عالی) چطور ارزیابی می‌کنید؟
complaints-rate-thanks = سپاس از شما! امتیاز { $stars } از { $max } ثبت شد.
complaints-rate-already = امتیاز شما پیش‌تر ثبت شده است. سپاسگزاریم.

complaints-followup-ask = پیام‌تان دربارهٔ درخواست { $number } را بنویسید یا عکس و فایل بفرستید؛ هر چه بفرستید به همین درخواست افزوده می‌شود. در پایان «تمام» را بزنید.
complaints-followup-sent = ✅ پیام شما به درخواست { $number } افزوده شد و به کارگروه رسید.
complaints-followup-queued = ✅ پیام شما به درخواست { $number } افزوده شد و به محض دسترسی به کارگروه برایشان فرستاده می‌شود.
complaints-followup-unsupported = فقط متن، عکس و فایل را می‌توانم به درخواست بیفزایم.
complaints-followup-closed = درخواست { $number } بسته شده است. اگر مشکل هنوز باقی است، آن را بازگشایی کنید یا درخواست تازه‌ای ثبت کنید.
complaints-followup-done = بسیار خب. هر وقت خواستید، از /mytickets پیام تازه بفرستید.
complaints-button-done = ✔️ تمام
complaints-button-reopen = 🔓 بازگشایی درخواست
complaints-button-new = 📝 ثبت درخواست تازه
complaints-closed-by-you = درخواست { $number } بسته شد. اگر مایلید، به رسیدگی کارگروه از یک تا پنج امتیاز بدهید:
complaints-already-closed = درخواست { $number } پیش‌تر بسته شده است.
complaints-reopened = 🔓 درخواست { $number } دوباره باز شد. لطفاً بنویسید چه مشکلی باقی مانده است.

complaints-my-title = درخواست‌های شما ({ $count }): برای دیدن جزئیات و پاسخ‌ها یکی را انتخاب کنید.
complaints-my-empty = هنوز درخواستی ثبت نکرده‌اید. اگر در کمک‌رسانی به مشکلی برخوردید، با کارگروه در میان بگذارید.
complaints-my-button = { $status } · { $number } · { $category }
complaints-view =
    درخواست { $number }
    موضوع: { $category }
    وضعیت: { $status }
    تاریخ ثبت: { $created }

    شرح مشکل:
    { $description }

    گفت‌وگو:
    { $conversation }
complaints-view-line = • { $who } ({ $when }): { $text }
complaints-view-you = شما
complaints-view-staff = کارگروه
complaints-view-photo = [عکس]
complaints-view-file = [فایل]
complaints-view-no-messages = هنوز پیامی رد و بدل نشده است.
complaints-view-rating = امتیاز شما: { $stars } از { $max }
complaints-button-close = ✅ بستن درخواست
complaints-button-rate = ⭐ امتیاز به رسیدگی
complaints-button-back-to-list = ‹ فهرست درخواست‌ها
complaints-button-my-tickets = 📋 درخواست‌های من

## The working group's chat

complaints-staff-card =
    🎫 درخواست { $number } · { $status }
    موضوع: { $category }
    نیکوکار: { $donor }
    شمارهٔ تماس: { $mobile }
    کمک مرتبط: { $donation }
    ثبت: { $created } ({ $age } پیش)
    مسئول: { $assignee }
    پیوست‌ها: { $attachments }

    { $description }
complaints-staff-card-rating = ⭐ امتیاز نیکوکار: { $stars } از { $max }
complaints-staff-card-hint = ↩️ برای پاسخ به نیکوکار روی همین پیام «پاسخ» (Reply) بزنید یا دکمهٔ «پاسخ» را فشار دهید؛ پیام‌های دیگر یادداشت داخلی می‌مانند.
complaints-staff-anonymous = 🙈 ناشناس
complaints-staff-unassigned = هنوز کسی برنداشته
complaints-staff-button-take = 🙋 برمی‌دارم
complaints-staff-button-reply = ↩️ پاسخ
complaints-staff-button-in-progress = ⏳ در حال رسیدگی
complaints-staff-button-answered = 💬 پاسخ داده شد
complaints-staff-button-close = 🔒 بستن
complaints-staff-button-reopen = 🔓 بازگشایی
complaints-staff-relay = 📩 پیام تازهٔ نیکوکار · { $number } · { $donor }
complaints-staff-relay-attachment = 📎 پیوست درخواست { $number } · { $donor }
complaints-staff-denied = این کار فقط برای اعضای کارگروه و مدیران مجاز است.
complaints-staff-other-province = این درخواست مال دفتر استان دیگری است؛ شما فقط درخواست‌های استان‌های خودتان را می‌بینید.
complaints-staff-unknown = این درخواست پیدا نشد یا این دکمه دیگر معتبر نیست.
complaints-staff-error-closed = این درخواست بسته است. برای ادامه، اول «بازگشایی» را بزنید.
complaints-staff-error-invalid = این تغییر وضعیت ممکن نیست.
complaints-staff-already-yours = این درخواست همین حالا هم در دست شماست.
complaints-staff-taken = درخواست { $number } را برداشتید.
complaints-staff-notice-taken = 🙋 { $operator } درخواست { $number } را برداشت.
complaints-staff-same-status = وضعیت همین حالا هم «{ $status }» است.
complaints-staff-status-set = وضعیت شد: { $status }
complaints-staff-notice-status = { $operator } وضعیت درخواست { $number } را «{ $status }» کرد.
complaints-staff-donor-blocked = ⚠️ نیکوکار ربات را مسدود کرده است و این خبر به او نرسید.
complaints-staff-donor-failed = ⚠️ خبر به نیکوکار نرسید (خطای پیام‌رسان).
complaints-staff-reply-prompt = ✍️ { $operator }، پاسخ خود به درخواست { $number } را بفرستید (متن، عکس یا فایل). نام شما به نیکوکار نشان داده نمی‌شود. برای انصراف /cancel را بزنید.
complaints-staff-reply-toast = پاسخ‌تان به { $number } را بفرستید.
complaints-staff-reply-cancelled = پاسخ‌دادن لغو شد.
complaints-staff-note-saved = 📝 یادداشت داخلی برای درخواست { $number } ثبت شد (در کنسول دیده می‌شود و برای نیکوکار فرستاده نمی‌شود).
complaints-staff-note-how = برای یادداشت داخلی، روی کارت یا پیامی از درخواست «پاسخ» بزنید و بنویسید: /note متن یادداشت
complaints-staff-note-too-long = یادداشت بیش از اندازه بلند است؛ کوتاه‌ترش کنید.
complaints-staff-answer-ok = ✅ پاسخ برای نیکوکار فرستاده شد ({ $number }).
complaints-staff-answer-blocked = ⚠️ پاسخ به نیکوکار نرسید: او ربات را مسدود کرده است. پاسخ در درخواست { $number } ثبت ماند و اگر دوباره ربات را باز کند، در «درخواست‌های من» آن را می‌بیند.
complaints-staff-answer-failed = ⚠️ پاسخ به نیکوکار نرسید (خطای پیام‌رسان). پاسخ در درخواست { $number } ثبت ماند؛ لطفاً کمی بعد دوباره بفرستید.
complaints-staff-answer-closed = 🔒 درخواست { $number } بسته است و این پیام برای نیکوکار فرستاده نشد. اگر لازم است، اول «بازگشایی» را بزنید.
complaints-staff-answer-unsupported = این نوع پیام را نمی‌توانم برای نیکوکار بفرستم. متن، عکس، فایل، ویدیو یا صدا بفرستید.
complaints-staff-not-a-ticket = این پیام به هیچ درخواستی وصل نیست و برای کسی فرستاده نشد. برای پاسخ به نیکوکار، روی کارت درخواست یا پیام او «پاسخ» بزنید.
complaints-staff-notice-donor-closed = 🔒 نیکوکار درخواست { $number } را بست.
complaints-staff-notice-donor-reopened = 🔓 نیکوکار درخواست { $number } را بازگشایی کرد.
complaints-staff-notice-rated = ⭐ نیکوکار به رسیدگی درخواست { $number } امتیاز { $stars } از { $max } داد.
complaints-staff-reminder = ⏰ یادآوری: درخواست { $number } ({ $category }) { $waiting } است که منتظر اقدام کارگروه است. مسئول: { $assignee } · یادآوری { $count }
complaints-staff-card-failed = کارت درخواست فرستاده نشد؛ لطفاً دوباره تلاش کنید.
complaints-staff-overview =
    📥 صندوق درخواست‌های نیکوکاران
    باز: { $total } (ثبت‌شده { $new } · در حال رسیدگی { $progress } · پاسخ‌داده { $answered })
    ⏰ عقب‌افتاده (بیش از { $hours } ساعت بی‌اقدام): { $overdue }
    بی‌مسئول: { $unassigned }

    بر اساس موضوع:
    { $categories }

    قدیمی‌ترین‌های منتظر اقدام:
    { $oldest }

    در دست شما:
    { $mine }
complaints-staff-overview-category = • { $category }: { $count }
complaints-staff-overview-line = { $overdue }{ $number } · { $category } · { $status } · { $age }
complaints-staff-overview-button = 📌 { $number }
complaints-staff-overview-empty = 📥 هیچ درخواست بازی نیست. 🌱

## Staff tools: the tickets export, the /stats section and /health
complaints-export-title = درخواست‌ها و شکایت‌ها
complaints-export-col-number = شمارهٔ درخواست
complaints-export-col-category = موضوع
complaints-export-col-status = وضعیت
complaints-export-col-created = زمان ثبت
complaints-export-col-first-answer = نخستین پاسخ
complaints-export-col-closed = زمان بستن
complaints-export-col-rating = امتیاز نیکوکار
complaints-export-col-donor = نیکوکار
complaints-export-col-mobile = تلفن همراه
complaints-export-anonymous = ناشناس
complaints-export-category-payment = پرداخت یا رسید
complaints-export-category-transparency = شفافیت پویش
complaints-export-category-conduct = رفتار کارکنان
complaints-export-category-dowry = روند جهیزیه
complaints-export-category-technical = مشکل فنی
complaints-export-category-suggestion = پیشنهاد
complaints-export-category-other = سایر موارد
complaints-export-status-new = ثبت‌شده
complaints-export-status-in_progress = در حال رسیدگی
complaints-export-status-answered = پاسخ داده شد
complaints-export-status-closed = بسته
complaints-stats-title = 📨 درخواست‌ها و شکایت‌ها
complaints-stats-by-status = همه: { $total } — ثبت‌شده: { $new }، در حال رسیدگی: { $progress }، پاسخ‌داده: { $answered }، بسته: { $closed }
complaints-stats-month = ثبت‌شده در این ماه: { $count }
complaints-stats-overdue = بی‌پاسخ بیش از { $hours } ساعت: { $count }
complaints-stats-first-answer = میانهٔ زمان تا نخستین پاسخ: { $duration } (از { $count } درخواست)
complaints-stats-first-answer-none = هنوز به درخواستی پاسخ داده نشده است.
complaints-stats-close = میانهٔ زمان تا بسته شدن: { $duration } (از { $count } درخواست)
complaints-stats-close-none = هنوز درخواستی بسته نشده است.
complaints-health-open = درخواست‌های باز
complaints-health-overdue = درخواست‌های عقب‌افتاده

## Limits and blocking (what one person may send to the working group)

complaints-limit-blocked = امکان فرستادن پیام برای کارگروه از حساب شما فعلاً بسته شده است. اگر فکر می‌کنید اشتباهی رخ داده، با اداره بهزیستی شهرستان‌تان تماس بگیرید.
complaints-limit-quota-question = در این یک ساعت به اندازهٔ کافی پرسش برای کارشناس فرستاده‌اید و پرسش‌های قبلی‌تان در نوبت پاسخ است. از { $when } (حدود { $wait } دیگر) می‌توانید پرسش تازه بفرستید.
complaints-limit-cooldown-question = پرسش قبلی‌تان همین الان برای کارشناس فرستاده شد. لطفاً کمی صبر کنید؛ از { $when } (حدود { $wait } دیگر) می‌توانید پرسش تازه بفرستید.
complaints-limit-quota-ticket = امروز به اندازهٔ کافی درخواست ثبت کرده‌اید و درخواست‌های قبلی‌تان در دست رسیدگی است. از { $when } (حدود { $wait } دیگر) می‌توانید درخواست تازه ثبت کنید؛ تا آن وقت می‌توانید در «درخواست‌های من» به درخواست‌های قبلی پیام اضافه کنید.
complaints-limit-cooldown-ticket = درخواست قبلی‌تان همین الان ثبت شد. لطفاً کمی صبر کنید؛ از { $when } (حدود { $wait } دیگر) می‌توانید درخواست تازه ثبت کنید.
complaints-limit-quota-followup = در این یک ساعت پیام‌های زیادی برای کارگروه فرستاده‌اید و پیامتان فرستاده نشد. از { $when } (حدود { $wait } دیگر) دوباره بفرستید.
complaints-staff-button-block = ⛔ مسدود کردن این فرد
complaints-staff-button-unblock = ✅ رفع مسدودی
complaints-staff-blocked = ⛔ { $operator } این فرد را مسدود کرد: از این پس پرسش، درخواست یا پیام تازه‌ای از او به کارگروه نمی‌رسد. برای برگرداندن، «رفع مسدودی» را بزنید.
complaints-staff-blocked-toast = این فرد مسدود شد.
complaints-staff-blocked-already = این فرد پیش‌تر مسدود شده است.
complaints-staff-unblocked = ✅ { $operator } مسدودی این فرد را برداشت؛ پیام‌هایش دوباره به کارگروه می‌رسد.
complaints-staff-unblocked-toast = مسدودی برداشته شد.
complaints-staff-unblocked-already = این فرد مسدود نیست.
complaints-staff-donation-hidden = به یکی از کمک‌های نیکوکار مربوط است (برای ناشناس ماندن او، جزئیات کمک نمایش داده نمی‌شود)

## Back, a staff-behaviour complaint, a short description, a low rating

complaints-description-too-short = این شرح برای رسیدگی کافی نیست. لطفاً دست‌کم در { $minimum } نویسه بنویسید چه اتفاقی افتاد، کی و کجا.
complaints-donation-button = { $date } · { $amount } · { $target }
complaints-back-to-anonymity = ↩️ به مرحلهٔ قبل برگشتیم.
complaints-rate-why = اگر مایلید، در یکی دو جمله بنویسید چه چیزی باعث نارضایتی‌تان شد تا کارگروه بهتر شود. نوشتن آن اختیاری است.
complaints-button-no-reason = ترجیح می‌دهم ننویسم
complaints-rate-why-text-only = لطفاً دلیل را به صورت متن بنویسید، یا «ترجیح می‌دهم ننویسم» را بزنید.
complaints-rate-reason-thanks = سپاس! نظر شما به کارگروه رسید.
complaints-rate-reason-skipped = اشکالی ندارد؛ امتیاز شما ثبت شده است.
complaints-staff-notice-rating-reason = 💬 دلیل امتیاز پایین درخواست { $number }: «{ $reason }»
complaints-staff-card-rating-reason = 💬 دلیل امتیاز: «{ $reason }»
