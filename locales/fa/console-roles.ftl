# کنسول: نقش‌ها، دفترهای استانی و گزارش کارها

console-nav-roles = نقش‌ها
console-nav-audit = گزارش کارها
console-forbidden-admin-role = این بخش فقط برای مدیران است.
console-fact-province = دفتر استان
console-scope-provinces = 📍 دفتر استان: { $provinces }

## نقش‌ها

console-roles-title = نقش‌های کارکنان
console-roles-staff = کارکنان
console-roles-none = هنوز نقشی داده نشده است.
console-roles-person = کاربر { $id }
console-roles-from-settings = مدیر از تنظیمات سامانه
console-roles-national = همهٔ کشور
console-roles-revoke = گرفتن نقش
console-roles-edit-provinces = استان‌ها را تغییر دهید
console-roles-save-provinces = ذخیرهٔ استان‌ها
console-roles-provinces = استان‌ها
console-roles-provinces-hint = هیچ استانی را نزنید تا نقش برای همهٔ کشور باشد. نقش مدیری همیشه برای همهٔ کشور است.
console-roles-grant-title = دادن نقش
console-roles-user-id = شناسهٔ عددی کاربر
console-roles-user-id-hint = فقط کسی که ربات را دست‌کم یک بار باز کرده است نقش می‌گیرد؛ او با /id شناسه‌اش را می‌بیند.
console-roles-role = نقش
console-roles-grant = دادن نقش
console-roles-confirm-admin = کاربر { $user } مدیر شود؟ مدیر به همهٔ ابزارها، از جمله دادن و گرفتن نقش‌ها، دسترسی دارد.
console-roles-confirm-yes = بله، مدیر شود
console-roles-confirm-no = خیر، برگردیم
console-roles-done-granted = نقش به کاربر { $user } داده شد.
console-roles-done-revoked = نقش از کاربر { $user } گرفته شد.
console-roles-done-scoped = استان‌های نقش کاربر { $user } ذخیره شد.
console-roles-done-already = چیزی تغییر نکرد: کاربر { $user } از پیش همین را دارد.
console-roles-done-not_held = کاربر { $user } این نقش را ندارد.
console-roles-done-from_settings = مدیری کاربر { $user } از تنظیمات سامانه (ADMIN_IDS) می‌آید و فقط همان‌جا برداشته می‌شود.
console-roles-done-not_self = نمی‌توانید نقش مدیری را از خودتان بگیرید.
console-roles-done-national_only = نقش مدیری برای همهٔ کشور است و به استان محدود نمی‌شود.
console-roles-done-unknown_user = کاربر { $user } تا حالا از این ربات استفاده نکرده است.
console-roles-done-needs_confirmation = مدیر کردن کاربر { $user } باید تأیید شود.
console-roles-done-unknown_province = استان شناخته نشد.
console-roles-problem-bad-person = شناسهٔ کاربر باید عدد باشد، مثلاً ۱۲۳۴۵۶۷۸.
console-roles-problem-bad-role = این نقش شناخته نشد.
console-roles-problem-unknown_user = این کاربر تا حالا از این ربات استفاده نکرده است؛ نقشی داده نشد (شاید شناسه اشتباه نوشته شده است).
console-roles-problem-unknown_province = استانی که زده شد شناخته نشد؛ صفحه را دوباره باز کنید.

## گزارش کارها

console-audit-title = گزارش کارهای کارکنان
console-audit-person = شناسهٔ کاربر
console-audit-person-hint = خالی: کارهای همه
console-audit-action = کار
console-audit-action-hint = نام کار یا آغاز آن، مثلاً role یا ticket.close
console-audit-from = از تاریخ
console-audit-to = تا تاریخ
console-audit-date-placeholder = ۱۴۰۵/۰۹/۰۱
console-audit-bad-person = شناسهٔ کاربر باید عدد باشد.
console-audit-bad-from = «از تاریخ» تاریخ درستی نیست؛ مثلاً ۱۴۰۵/۰۹/۰۱ بنویسید.
console-audit-bad-to = «تا تاریخ» تاریخ درستی نیست؛ مثلاً ۱۴۰۵/۰۹/۳۰ بنویسید.
console-audit-total = { $count } مورد — صفحهٔ { $page } از { $pages }
console-audit-empty = موردی پیدا نشد.
console-audit-channel-chat = در گفت‌وگو
console-audit-channel-console = در کنسول
