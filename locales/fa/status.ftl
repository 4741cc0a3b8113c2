## Dowry-kit application status: lookup by tracking code and national code, change notices,
## and the staff's CSV import.

status-menu = 🔎 پیگیری پرونده
status-cmd = پیگیری پرونده جهیزیه
status-import-cmd = ورود فایل وضعیت پرونده‌ها (CSV)

status-ask-tracking =
    🔎 پیگیری پرونده جهیزیه

    کد پیگیری‌ای را که اداره بهزیستی به شما داده است بنویسید.
status-bad-tracking = این کد پیگیری درست به نظر نمی‌رسد. کد پیگیری از رقم (و گاهی حروف انگلیسی) ساخته شده است؛ لطفاً دوباره بنویسید.
status-ask-national =
    کد ملی ده‌رقمی صاحب پرونده را بنویسید.
    🔒 کد ملی فقط برای تطبیق به کار می‌رود؛ ذخیره نمی‌شود و جایی نمایش داده نمی‌شود.
status-bad-national = این کد ملی درست نیست: باید ده رقم باشد و رقم آخرش با بقیه بخواند. لطفاً دوباره بررسی کنید و بنویسید.
status-not-found =
    پرونده‌ای با این کد پیگیری و کد ملی پیدا نشد. لطفاً هر دو را با برگه اداره بهزیستی مقایسه کنید و کد پیگیری را دوباره بنویسید.
    (تا { $count } بار دیگر می‌توانید امتحان کنید.)
status-limited = برای حفاظت از اطلاعات مددجویان، پس از چند جست‌وجوی ناموفق باید کمی صبر کنید. لطفاً { $minutes } دقیقه دیگر دوباره امتحان کنید.
status-text-expected = لطفاً کد را به صورت متن بنویسید.

status-result =
    📄 پرونده { $code }
    وضعیت: { $status }
    از تاریخ: { $date }
status-result-note = توضیح اداره: { $note }
status-changed-header = 🔔 وضعیت پرونده‌تان تغییر کرد.

status-name-received = ثبت شده
status-name-reviewing = در حال بررسی
status-name-needs_documents = نیاز به تکمیل مدارک
status-name-queued = در نوبت
status-name-approved = تأیید شده
status-name-delivered = جهیزیه تحویل داده شده
status-name-rejected = پذیرفته نشده
status-explain-received = درخواست شما در اداره بهزیستی ثبت شده است و به‌زودی بررسی می‌شود.
status-explain-reviewing = کارشناس اداره بهزیستی در حال بررسی پرونده شماست.
status-explain-needs_documents = برای ادامه کار، مدارکی باید به اداره بهزیستی شهرستان ببرید؛ جزئیات را در توضیح اداره ببینید یا با اداره تماس بگیرید.
status-explain-queued = درخواست شما پذیرفته شده و در نوبت است؛ نوبت‌ها به اندازه اعتبار و کمک خیران جلو می‌رود.
status-explain-approved = پرونده شما تأیید شده است؛ زمان و محل تحویل را اداره بهزیستی اعلام می‌کند.
status-explain-delivered = جهیزیه تحویل داده شده است. زندگی مشترک‌تان پربرکت 🌱
status-explain-rejected = درخواست پذیرفته نشده است. برای دانستن دلیل یا اعتراض، با اداره بهزیستی شهرستان تماس بگیرید.

status-follow-button = 🔔 هر وقت وضعیت عوض شد خبرم کن
status-unfollow-button = 🔕 دیگر خبرم نکن
status-another-button = 🔎 پیگیری پرونده دیگر
status-followed = 🔔 باشه؛ هر وقت وضعیت پرونده { $code } تغییر کند، همین‌جا خبرتان می‌کنم.
status-already-followed = تغییرات این پرونده را از قبل برایتان می‌فرستم.
status-unfollowed = 🔕 دیگر تغییرات پرونده { $code } را برایتان نمی‌فرستم.
status-stale = این دکمه دیگر معتبر نیست؛ لطفاً دوباره پیگیری کنید.

status-import-prompt =
    📥 فایل CSV وضعیت پرونده‌ها را بفرستید (حداکثر { $size }).
    سطر اول نام ستون‌ها: کد پیگیری، کد ملی، وضعیت، توضیح، تاریخ. تاریخ شمسی (۱۴۰۴/۰۷/۲۸) یا میلادی (۲۰۲۵-۱۰-۲۰) باشد؛ وضعیت یکی از: { $statuses }.
    پرونده‌هایی که از قبل هستند به‌روز می‌شوند.
status-import-not-csv = این فایل CSV نیست. در اکسل «ذخیره به شکل» و سپس «{ $format }» را بزنید و فایل را دوباره بفرستید.
status-import-too-large = این فایل بزرگ‌تر از حد مجاز ({ $size }) است. لطفاً آن را در چند فایل کوچک‌تر بفرستید.
status-import-download-failed = دریافت فایل انجام نشد؛ لطفاً دوباره بفرستید.
status-import-empty = این فایل خالی است؛ هیچ سطری وارد نشد.
status-import-not-text = این فایل متنی نیست و خوانده نشد؛ هیچ سطری وارد نشد. لطفاً آن را با قالب «{ $format }» ذخیره کنید.
status-import-no-header = سطر اول فایل باید نام ستون‌ها باشد و این ستون‌ها پیدا نشد: { $columns }. هیچ سطری وارد نشد.
status-import-too-many = این فایل بیش از { $limit } سطر دارد؛ هیچ سطری وارد نشد. لطفاً آن را در چند فایل بفرستید.
status-import-summary = 📥 نتیجه ورود فایل «{ $name }»: { $total } سطر خوانده شد؛ { $good } سطر درست و { $bad } سطر نادرست.
status-import-done = ✅ سطرهای درست وارد شد: { $created } پرونده تازه، { $updated } به‌روزرسانی، { $unchanged } بدون تغییر. { $notified } نفر از تغییر وضعیت پرونده‌شان باخبر می‌شوند.
status-import-none-good = ⛔ هیچ سطر درستی نبود؛ چیزی وارد نشد.
status-import-skipped = ⛔ هیچ سطری وارد نشد، چون بیش از نیمی از سطرها نادرست بود. نام و ترتیب ستون‌ها را بررسی کنید و فایل را دوباره بفرستید.
status-import-bad-heading = سطرهای نادرست (وارد نشد):
status-import-bad-line = • سطر { $line }: { $problem }
status-import-bad-more = … و { $count } سطر نادرست دیگر.
status-import-progress = ⏳ ورود فایل «{ $name }»: { $done } از { $total } سطر وارد شد… ربات در این مدت به دیگران هم پاسخ می‌دهد.
status-import-progress-done = ✅ ورود فایل «{ $name }» تمام شد: { $total } سطر.
status-import-stale-key = ⚠️ { $count } پرونده با کلید دیگری ثبت شده است و تا دوباره وارد نشود، پیدا نمی‌شود.
status-problem-columns = ستون‌ها کامل نیست
status-problem-tracking_code = کد پیگیری ندارد یا نادرست است
status-problem-national_code = کد ملی ندارد یا نادرست است
status-problem-status = وضعیت ناشناخته است
status-problem-date = تاریخ ندارد یا نادرست است
status-problem-note = توضیح خیلی طولانی است
status-problem-duplicate = کد پیگیری در سطر دیگری از همین فایل هم آمده است
status-column-tracking_code = کد پیگیری
status-column-national_code = کد ملی
status-column-status = وضعیت
status-column-date = تاریخ
status-size-kb = { $number } کیلوبایت
