## The console's FAQ pages: the list, the entry form, its history, and the learning loop.

console-nav-faq = پرسش‌های پرتکرار
console-forbidden-faq-role = ویرایش پرسش‌های پرتکرار فقط برای مدیران است.
console-faq-not-found = چنین پرسشی در پرسش‌های پرتکرار نیست.

console-faq-title = پرسش‌های پرتکرار
console-faq-new = پرسش تازه
console-faq-export = دریافت پرونده YAML
console-faq-search-placeholder = واژه‌ای از پرسش، عبارت‌ها یا پاسخ
console-faq-total = { $count } پرسش
console-faq-feedback-title = «مفید بود» و «جوابم را نگرفتم» در گفت‌وگو
console-faq-updated = به‌روزشده در { $when }
console-faq-history = تاریخچه
console-faq-back = ↩️ فهرست پرسش‌ها
console-faq-edit-title = ویرایش پرسش

console-faq-done-saved = ✅ ذخیره شد؛ تا چند ثانیه دیگر ربات با همین متن جواب می‌دهد.
console-faq-done-created = ✅ پرسش تازه افزوده شد؛ تا چند ثانیه دیگر ربات آن را می‌شناسد.
console-faq-done-deleted = ✅ پرسش حذف شد؛ از تاریخچه‌اش می‌توانید برش گردانید.
console-faq-done-reverted = ✅ نسخه انتخاب‌شده برگردانده شد.
console-faq-done-phrasing = ✅ این پرسش به عبارت‌های دیگر آن پرسش افزوده شد.
console-faq-done-unchanged = چیزی تغییر نکرده بود.

console-faq-problem-stale = همکار دیگری این پرسش را پس از باز شدن این صفحه تغییر داده است. متن شما نگه داشته شد؛ صفحه را در زبانه‌ای دیگر دوباره باز کنید، تغییرها را ببینید و دوباره ذخیره کنید.
console-faq-problem-invalid = این نسخه با قاعده‌های امروز جور نیست (مثلاً بخشی از منو یا تنظیمی که نام می‌برد دیگر نیست)؛ آن را در فرم ویرایش کنید.
console-faq-problem-not-found = چنین نسخه‌ای نیست.

console-faq-field-id = شناسه
console-faq-hint-id = حروف کوچک لاتین، رقم و «_»، مثل office_hours؛ بعداً عوض نمی‌شود.
console-faq-field-topic = موضوع
console-faq-field-question-fa = پرسش (فارسی)
console-faq-field-question-en = پرسش (انگلیسی)
console-faq-field-alternatives-fa = عبارت‌های دیگر همین پرسش (فارسی)
console-faq-field-alternatives-en = عبارت‌های دیگر همین پرسش (انگلیسی)
console-faq-hint-alternatives = هر عبارت در یک سطر؛ همان‌طور که مردم می‌پرسند، حتی محاوره‌ای یا فینگلیش.
console-faq-field-answer-fa = پاسخ (فارسی)
console-faq-field-answer-en = پاسخ (انگلیسی)
console-faq-hint-answer = سطرها در گفت‌وگو پشت سر هم می‌آیند. رقم‌ها و تنظیم‌های رسمی را ننویسید؛ تنظیم‌هایی که می‌شود آورد: { $known }
console-faq-field-action = دکمه زیر پاسخ
console-faq-no-action = بی‌دکمه
console-faq-preview-button = پیش‌نمایش
console-faq-save = ذخیره
console-faq-delete = حذف
console-faq-preview-title = پاسخ همان‌طور که در گفت‌وگو دیده می‌شود

console-faq-error-required = این بخش را پر کنید.
console-faq-error-id-format = شناسه فقط حروف کوچک لاتین، رقم و «_» است و با حرف شروع می‌شود.
console-faq-error-id-too-long = این شناسه برای دکمه‌های ربات بلند است؛ کوتاه‌ترش کنید.
console-faq-error-id-taken = پرسشی با این شناسه هست (یا بوده است)؛ شناسه دیگری بنویسید.
console-faq-error-topic-unknown = یکی از موضوع‌های فهرست را انتخاب کنید.
console-faq-error-action-unknown = این دکمه در منوی ربات نیست.
console-faq-error-placeholder-unknown = این پاسخ تنظیمی را نام می‌برد که ربات نمی‌شناسد. تنظیم‌هایی که می‌شود آورد: { $known }
console-faq-error-placeholder-in-question = پرسش نمی‌تواند تنظیمی را نام ببرد.
console-faq-error-too-long = پرسش و پاسخ با هم برای یک پیام بلند است؛ کوتاه‌ترش کنید.
console-faq-error-invalid = این پرسش با قاعده‌های پرسش‌های پرتکرار جور نیست.

console-faq-revision = نسخه { $number }
console-faq-restores = برگرداندن نسخه { $number }
console-faq-current = نسخه کنونی
console-faq-changed = تغییر
console-faq-revert = برگرداندن همین نسخه
console-faq-action-seed = از پرونده اولیه
console-faq-action-create = افزوده شد
console-faq-action-edit = ویرایش شد
console-faq-action-delete = حذف شد
console-faq-action-revert = برگردانده شد
console-faq-action-phrasing = عبارت تازه
console-faq-action-import = از پرونده
console-faq-part-topic = موضوع
console-faq-part-question = پرسش
console-faq-part-alternatives = عبارت‌های دیگر
console-faq-part-answer = پاسخ
console-faq-part-action = دکمه

console-faq-asked-title = آنچه مردم پرسیدند
console-faq-asked-hint = پرسش‌های سی روز گذشته که هنوز در پرسش‌های پرتکرار نیستند، پرسش‌های همانند در یک گروه، پرتکرارترین بالا. شماره‌های شخصی پیش از ذخیره پوشانده شده‌اند.
console-faq-asked-empty = پرسش تازه‌ای نمانده است.
console-faq-asked-count = { $count } بار
console-faq-did-confident = جواب داد
console-faq-did-suggest = پیشنهاد داد
console-faq-did-none = جوابی نیافت
console-faq-did-long = پیام بلند
console-faq-did-direct = برای کارشناس
console-faq-to-person = { $count } بار از کارشناس پرسیدند
console-faq-asked-new = ➕ پرسش تازه از همین
console-faq-asked-phrasing-of = عبارت دیگری برای
console-faq-asked-phrasing = افزودن
console-faq-asked-staff-answer = پاسخ کارشناس
console-faq-asked-new-answered = ➕ پرسش تازه با پاسخ کارشناس

## The FAQ's changes on /audit.
audit-action-faq = تغییر پرسش‌های پرتکرار
audit-action-faq-create = افزودن پرسش پرتکرار
audit-action-faq-edit = ویرایش پرسش پرتکرار
audit-action-faq-delete = حذف پرسش پرتکرار
audit-action-faq-revert = برگرداندن نسخه پرسش پرتکرار
audit-action-faq-phrasing = افزودن عبارت به پرسش پرتکرار

console-faq-import-link = بارگذاری پرونده YAML
console-faq-import-title = بارگذاری پرسش‌ها از پرونده YAML
console-faq-import-file = پرونده YAML پرسش‌های پرتکرار
console-faq-import-hint = همان قالب «دریافت پرونده YAML» (حداکثر یک مگابایت). نخست فقط بررسی می‌شود و گزارشش را می‌بینید؛ تا «بارگذاری» را نزنید چیزی عوض نمی‌شود.
console-faq-import-check = بررسی پرونده
console-faq-import-report = اگر بارگذاری شود
console-faq-import-new = { $count } پرسش تازه
console-faq-import-changed = { $count } پرسش تغییرکرده
console-faq-import-unchanged = { $count } پرسش بی‌تغییر
console-faq-import-error = { $count } پرسش نادرست
console-faq-import-line-new = تازه
console-faq-import-line-changed = تغییر می‌کند
console-faq-import-line-unchanged = بی‌تغییر
console-faq-import-line-error = نادرست
console-faq-import-new-topics = موضوع‌های تازه
console-faq-import-kept = { $count } پرسش کنونی در این پرونده نیست و همان‌طور که هست می‌ماند (بارگذاری چیزی را حذف نمی‌کند).
console-faq-import-apply-hint = با بارگذاری، { $count } پرسش تازه یا تغییرکرده هر کدام یک نسخه تازه می‌گیرد و در تاریخچه‌اش برگشت‌پذیر است.
console-faq-import-apply = بارگذاری
console-faq-import-nothing = این پرونده چیزی را تغییر نمی‌دهد.
console-faq-import-fix-first = تا پرسش‌های نادرست درست نشوند، این پرونده بارگذاری نمی‌شود. پرونده را درست کنید و دوباره بررسی کنید.
console-faq-import-file-yaml = این پرونده YAML درستی نیست.
console-faq-import-file-format = این پرونده قالب پرسش‌های پرتکرار را ندارد (موضوع‌ها و فهرست پرسش‌ها).
console-faq-import-problem-file = پرونده باید متن ساده (یونی‌کد) و حداکثر یک مگابایت باشد.
console-faq-import-problem-empty = پرونده‌ای انتخاب نشده یا خالی است.
console-faq-import-problem-stale = پس از بررسی، پرسش‌های پرتکرار تغییر کرده‌اند؛ گزارش زیر وضعیت کنونی است. دوباره نگاه کنید و اگر درست است بارگذاری کنید.
console-faq-import-problem-invalid = پرونده دیگر با قاعده‌ها جور نیست؛ گزارش زیر را ببینید.
console-faq-done-imported = ✅ پرونده بارگذاری شد؛ تا چند ثانیه دیگر ربات با همین پرسش‌ها جواب می‌دهد.
