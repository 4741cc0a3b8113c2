## The console's broadcast pages: the composer, the review, the history and the progress.

console-nav-broadcasts = پیام همگانی
console-forbidden-broadcast-role = فرستادن پیام همگانی فقط برای مدیران و مدیران پویش است.
console-broadcast-not-found = چنین پیامی نیست.
console-broadcast-not-draft = این پیش‌نویس دیگر نیست (فرستاده یا کنار گذاشته شده) یا از آنِ شما نیست.

console-broadcasts-title = پیام‌های همگانی
console-broadcast-new = پیام همگانی تازه
console-broadcast-back = ↩️ فهرست پیام‌ها
console-broadcast-number = پیام #{ $id }
console-broadcast-at = زمان فرستادن: { $when }
console-broadcast-count = { $count } گیرنده

console-broadcast-field-text-fa = متن (فارسی)
console-broadcast-field-text-en = متن انگلیسی (اختیاری؛ بی آن کاربران انگلیسی‌زبان متن فارسی را می‌گیرند)
console-broadcast-hint-text = حداکثر { $text } نویسه؛ همراه عکس حداکثر { $caption } نویسه.
console-broadcast-field-photo = عکس (اختیاری)
console-broadcast-photo-alt = عکس پیام
console-broadcast-no-photo = بدون عکس
console-broadcast-field-button = دکمه زیر پیام
console-broadcast-field-url = نشانی دکمه پیوند
console-broadcast-field-segment = گیرندگان
console-broadcast-field-when = زمان فرستادن (خالی: همین حالا)
console-broadcast-hint-when = تاریخ خورشیدی و ساعت تهران، مثل { $example }
console-broadcast-count-button = شمار گیرندگان
console-broadcast-review-button = پیش‌نمایش و تأیید
console-broadcast-error-campaign = این پویش دیگر باز نیست؛ پویش دیگری انتخاب کنید.
console-broadcast-error-button = این دکمه شناخته نیست.
console-broadcast-error-segment = این گروه گیرندگان شناخته نیست؛ از فهرست انتخاب کنید.

console-broadcast-review-title = پیش از فرستادن
console-broadcast-preview-title = پیام، همان‌طور که گیرندگان می‌بینند
console-broadcast-segment = گیرندگان
console-broadcast-recipients = شمار
console-broadcast-duration = زمان تقریبی فرستادن
console-broadcast-when = زمان
console-broadcast-now = همین حالا
console-broadcast-schedule-button = ✅ زمان‌بندی
console-broadcast-edit = ✏️ ویرایش
console-broadcast-empty-segment = این گروه اکنون گیرنده‌ای ندارد؛ گروه دیگری انتخاب کنید.

console-broadcast-done-sent = ✅ فرستادن آغاز شد.
console-broadcast-done-scheduled = ✅ زمان‌بندی شد.
console-broadcast-done-pause = ⏸ متوقف شد.
console-broadcast-done-resume = ▶️ ادامه یافت.
console-broadcast-done-cancel = ⏹ لغو شد.
console-broadcast-done-unchanged = چیزی تغییر نکرد.
console-broadcast-done-discarded = پیش‌نویس کنار گذاشته شد.

console-broadcast-sent = فرستاده
console-broadcast-failed = ناموفق
console-broadcast-blocked = ربات را مسدود کرده‌اند
console-broadcast-skipped = کنار گذاشته
console-broadcast-remaining = مانده
console-broadcast-total = همه
console-broadcast-progress-label = پیشرفت فرستادن
console-broadcast-unsubscribed = { $count } نفر پس از این پیام خبرها را خاموش کردند.
console-broadcast-cancel-sure = بله، { $remaining } پیام ماندهٔ دیگر فرستاده نشود
console-broadcast-done-unsure = برای لغو، نخست «بله» را علامت بزنید.
