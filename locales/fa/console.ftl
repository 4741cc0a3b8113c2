## کنسول وب کارگروه

console-title = کنسول همدل
console-skip = رفتن به محتوا
console-nav = بخش‌های کنسول
console-nav-home = خانه
console-nav-tickets = درخواست‌ها
console-signout = خروج
console-signout-everywhere = خروج از همه‌جا

## ورود (در گفتگو)

console-command = باز کردن کنسول وب
console-admin-button = 🖥 کنسول وب
console-link =
    پیوند ورود شما به کنسول وب (یک‌بار مصرف، معتبر تا { $minutes } دقیقه):
    { $url }
    آن را به کسی ندهید: هر کس زودتر بازش کند با نام شما وارد می‌شود.
console-denied = کنسول وب برای کارشناسان و مدیران کارگروه است.
console-off = کنسول وب برای این ربات روشن نشده است (CONSOLE_PUBLIC_URL).

## ورود (در مرورگر)

console-signin-title = ورود
console-signin-confirm = با نام { $name } وارد کنسول می‌شوید؟
console-signin-button = ورود
console-signed-out-title = وارد نشده‌اید
console-how-to-sign-in = برای ورود، ‎/console‎ را برای ربات بفرستید و پیوندی را که می‌دهد باز کنید.
console-reason-no-session = نشست شما تمام شده یا وارد نشده‌اید.
console-reason-signed-out = از کنسول خارج شدید.
console-reason-link-forged = این پیوند ورود معتبر نیست.
console-reason-link-expired = مهلت این پیوند ورود گذشته است.
console-reason-link-used = این پیوند ورود پیش‌تر به کار رفته است.
console-reason-role = حساب شما دسترسی به کنسول ندارد (فقط کارشناسان و مدیران).
console-web-app-outside = این صفحه فقط از درون پیام‌رسان (دکمهٔ «باز کردن کنسول» در پاسخ /console) کار می‌کند. در مرورگر، پیوند ورود /console را باز کنید.
console-web-app-button = 🖥 باز کردن کنسول در همین‌جا
console-forbidden-title = درخواست پذیرفته نشد
console-forbidden-csrf = فرم کهنه بود یا از خود کنسول نیامده بود. صفحه را دوباره باز کنید و باز امتحان کنید.
console-forbidden-origin = این درخواست از صفحه‌های خود کنسول نیامده بود.
console-not-found-title = پیدا نشد
console-not-found = چنین درخواستی وجود ندارد.
console-too-large-title = فایل یا متن بیش از اندازه است
console-too-large = آنچه فرستادید از اندازهٔ مجاز این فرم بزرگ‌تر است. فایل کوچک‌تری بفرستید یا متن را کوتاه کنید و دوباره امتحان کنید.

## خانه

console-home-title = آنچه رسیدگی می‌خواهد
console-figure-open = { $count ->
   *[other] درخواست باز
}
console-figure-overdue = { $count ->
   *[other] درخواست گذشته از مهلت رسیدگی
}
console-figure-unassigned = { $count ->
   *[other] درخواست بی‌مسئول
}
console-figure-mine = { $count ->
   *[other] درخواست با مسئولیت من
}
console-figure-questions = { $count ->
   *[other] پرسش در انتظار پاسخ کارشناس
}
console-figure-donations = { $count ->
   *[other] کمک امروز
}
console-questions-title = پرسش‌های در انتظار کارشناس
console-questions-none = پرسشی در انتظار نیست.
console-question-answer-label = پاسخ شما (ربات آن را برای پرسش‌گر می‌فرستد)
console-question-answer-button = فرستادن پاسخ
console-question-sent = پاسخ فرستاده شد.
console-question-answered = کسی پیش‌تر به این پرسش پاسخ داده است.
console-question-empty = نخست پاسخ را بنویسید (حداکثر به اندازهٔ یک پیام).
console-question-blocked = پرسش‌گر ربات را مسدود کرده است: پاسخ نرسید.
console-question-failed = پاسخ نرسید؛ کمی بعد دوباره امتحان کنید.

## صف درخواست‌ها

console-queue-title = درخواست‌ها
console-search-label = جستجو
console-search-placeholder = شمارهٔ درخواست یا رسید، یا واژه‌ها
console-filter-status = وضعیت
console-filter-category = موضوع
console-filter-age = ثبت
console-filter-assignee = مسئول
console-filter-overdue = گذشته از مهلت
console-filter-anonymous = ناشناس
console-filter-apply = نمایش
console-quick-filters = پالایه‌های سریع
console-any = همه
console-assignee-me = من
console-assignee-none = بی‌مسئول
console-status-open = باز
console-status-new = ثبت‌شده
console-status-in_progress = در حال رسیدگی
console-status-answered = پاسخ داده شده
console-status-closed = بسته
console-count-over = بیش از { $count }
console-status-all = همه
console-age-1d = بیش از یک روز پیش
console-age-3d = بیش از ۳ روز پیش
console-age-7d = بیش از یک هفته پیش
console-age-30d = بیش از یک ماه پیش
console-queue-total = { $count } درخواست
console-queue-empty = درخواستی با این پالایه‌ها نیست.
console-overdue-badge = گذشته از مهلت
console-anonymous-badge = ناشناس
console-pages = صفحه‌ها
console-previous = قبلی
console-next = بعدی
console-page-of = صفحهٔ { $page } از { $pages }

## یک درخواست

console-fact-status = وضعیت
console-fact-category = موضوع
console-fact-filed = ثبت
console-fact-assignee = مسئول
console-fact-donor = نیکوکار
console-fact-rating = امتیاز
console-fact-donation = کمک مرتبط
console-receipt = رسید
console-thread-title = گفتگو و سابقه
console-from-donor = نیکوکار
console-from-staff = پاسخ { $name }
console-via-console = از کنسول
console-not-delivered = نرسید
console-note-by = یادداشت داخلی { $name }
console-event-by = { $name }
console-event-take = درخواست را برعهده گرفت ({ $status })
console-event-assign = درخواست را واگذار کرد ({ $status })
console-event-status = وضعیت را «{ $status }» کرد
console-event-reopen = درخواست را دوباره باز کرد ({ $status })
console-photo = عکسی که با درخواست آمده
console-download = دریافت پیوست ({ $kind })
console-actions = کارها
console-reply-label = پاسخ به نیکوکار (ربات آن را می‌فرستد)
console-reply-button = فرستادن پاسخ
console-note-label = یادداشت داخلی (هرگز برای نیکوکار فرستاده نمی‌شود)
console-note-button = افزودن یادداشت
console-assign-label = واگذاری به
console-assign-button = واگذار کن
console-status-label = وضعیت
console-status-button = تغییر وضعیت
console-close-label = بستن با دلیل
console-close-button = بستن درخواست
console-close-reason-resolved = رسیدگی شد
console-close-reason-duplicate = تکراری
console-close-reason-no-response = نیکوکار پاسخ نداد
console-close-reason-out-of-scope = در حوزهٔ کارگروه نیست
console-close-reason-other = دیگر
console-reopen-button = باز کردن دوباره
console-done-reply = پاسخ برای نیکوکار فرستاده شد.
console-done-note = یادداشت افزوده شد.
console-done-assign = درخواست واگذار شد.
console-done-status = وضعیت تغییر کرد.
console-done-unchanged = چیزی برای تغییر نبود: درخواست همین حالا چنین است.
console-problem-stale = کسی دیگر در همین فاصله این درخواست را تغییر داد. وضعیت تازه را ببینید؛ متن شما نگه داشته شده — بررسی کنید و دوباره بفرستید.
console-problem-closed = درخواست بسته است: نخست آن را دوباره باز کنید.
console-problem-empty = نخست چیزی بنویسید.
console-problem-too-long = متن بیش از اندازه بلند است.
console-problem-invalid = این کار برای این درخواست شدنی نیست.
console-problem-not-found = چنین درخواستی وجود ندارد.
console-problem-duplicate = این پاسخ پیش‌تر فرستاده شده است.
console-problem-unchanged = چیزی برای تغییر نبود.
console-problem-done = انجام شد.
console-live-changed = این صفحه تازه شده است: برای دیدن تغییرها اینجا را بزنید.

## گروه کارگروه از کارهای کنسول باخبر می‌شود

console-staff-notice-reply =
    💬 { $operator } از کنسول به { $number } پاسخ داد:
    { $text }
