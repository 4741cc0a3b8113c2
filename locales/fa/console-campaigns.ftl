## The console's campaign pages: the list, the form with the card's preview, closing.

console-nav-campaigns = پویش‌ها
console-forbidden-campaign-role = کار با پویش‌ها فقط برای مدیران و مدیران پویش است.
console-campaign-not-found = چنین پویشی نیست.

console-campaigns-title = پویش‌ها
console-campaigns-total = { $count } پویش
console-campaigns-empty = هنوز پویشی ساخته نشده است.
console-campaign-new = پویش تازه
console-campaign-edit-title = ویرایش پویش
console-campaign-back = ↩️ فهرست پویش‌ها
console-campaign-progress = { $raised } از { $goal } (٪{ $percent })، { $donors } حامی
console-campaign-progress-label = پیشرفت پویش
console-campaign-dates = از { $starts } تا { $ends }
console-campaign-status-title = وضعیت

console-campaign-done-created = ✅ پویش به صورت پیش‌نویس ساخته شد؛ برای دیدنش در گفت‌وگو آن را فعال کنید.
console-campaign-done-saved = ✅ تغییرها ذخیره شد.
console-campaign-done-unchanged = چیزی تغییر نکرده بود.
console-campaign-done-activate = ✅ پویش فعال شد.
console-campaign-done-pause = ⏸ پویش متوقف شد.
console-campaign-done-close = ⏹ پویش بسته شد.

console-campaign-field-title-fa = عنوان (فارسی)
console-campaign-field-title-en = عنوان (انگلیسی)
console-campaign-field-description-fa = توضیح (فارسی)
console-campaign-field-description-en = توضیح (انگلیسی)
console-campaign-field-purpose = موضوع
console-campaign-field-province = استان
console-campaign-field-county = شهرستان
console-campaign-whole-province = همهٔ استان
console-campaign-field-goal = مبلغ هدف (تومان)
console-campaign-hint-goal = به عدد یا به حروف، مثل «۵۰۰ میلیون» یا «۲٬۰۰۰٬۰۰۰».
console-campaign-field-starts = تاریخ شروع
console-campaign-field-ends = تاریخ پایان
console-campaign-hint-dates = تاریخ خورشیدی، مثل ۱۴۰۵/۰۹/۱۵ یا «۱۵ آذر ۱۴۰۵»؛ پویش تا پایان روز آخر باز است.
console-campaign-field-image = تصویر
console-campaign-image-alt = تصویر پویش
console-campaign-no-image = بدون تصویر
console-campaign-preview-button = پیش‌نمایش
console-campaign-save = ذخیره
console-campaign-preview-title = کارت پویش در گفت‌وگو

console-campaign-close-title = بستن پویش
console-campaign-close-ask = پویش «{ $title }» بسته شود؟ پویش بسته دیگر کمک نمی‌پذیرد و باز نمی‌شود.
console-campaign-close-sure = بله، بسته شود
console-campaign-close-back = خیر، برگرد

console-picture-hint = عکس JPEG یا PNG، حداکثر ۵ مگابایت.
console-upload-caption = 🖼 تصویری که در کنسول فرستادید (برای پیش‌نمایش و ذخیره).
console-picture-empty = پرونده خالی بود.
console-picture-too_big = این پرونده بزرگ‌تر از ۵ مگابایت است؛ عکس کوچک‌تری بفرستید.
console-picture-not_an_image = این پرونده عکس JPEG یا PNG نیست.
console-picture-too_small = این عکس خیلی کوچک است؛ دست‌کم ۱۰۰ در ۱۰۰ نقطه باشد.
console-picture-too_large = ابعاد این عکس بیش از اندازه‌ای است که پیام‌رسان می‌پذیرد.
console-picture-shape = این عکس خیلی کشیده است؛ نسبت طول به عرض حداکثر ۲۰ به ۱ باشد.
console-picture-not_delivered = پیام‌رسان این عکس را نپذیرفت؛ کمی بعد دوباره امتحان کنید.
console-forbidden-desk-role = میز رسیدگی (درخواست‌ها و پرسش‌ها) برای مدیران و کارشناسان است؛ شما به پویش‌ها و پیام همگانی دسترسی دارید.
console-campaign-error-scope = این منطقه بیرون از استان‌هایی است که با آن‌ها کار می‌کنید.
