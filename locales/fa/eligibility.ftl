## Dowry-kit (جهیزیه) eligibility questionnaire. The questions, rules and outcomes themselves are
## in data/eligibility.yaml.

eligibility-menu = 🎁 شرایط جهیزیه
eligibility-cmd = سنجش شرایط دریافت جهیزیه

eligibility-intro =
    🎁 سنجش شرایط دریافت جهیزیه

    با حدود { $count } پرسش کوتاه، یک برآورد اولیه می‌گیرید: آیا شرایط دریافت جهیزیه از بهزیستی را دارید، چه مدارکی لازم است و کجا باید مراجعه کنید.

    ⚠️ { $notice }

    در هر مرحله می‌توانید یک پرسش به عقب برگردید یا انصراف بدهید. پاسخ‌ها فقط برای همین سنجش نگه داشته می‌شوند و پس از نمایش نتیجه پاک می‌شوند.
eligibility-start-button = ▶️ شروع پرسش‌ها
eligibility-resume =
    پرسش‌نامه جهیزیه را نیمه‌کاره گذاشته بودید ({ $answered } پرسش جواب داده شده).
    از همان‌جا ادامه می‌دهید یا از اول شروع می‌کنید؟
eligibility-resume-button = ▶️ ادامه از همان‌جا
eligibility-restart-button = 🔄 شروع دوباره
eligibility-updated = پرسش‌های سنجش جهیزیه به‌روز شده است و پاسخ‌های قبلی شما دیگر به کار نمی‌آید؛ لطفاً از اول شروع کنید.

eligibility-question-header = 📝 پرسش { $number }
eligibility-type-number = عدد را بنویسید، مثلاً ۲۵.
eligibility-type-date = تاریخ را شمسی بنویسید، مثلاً ۱۴۰۴/۰۷/۲۸ یا ۲۸ مهر ۱۴۰۴.
eligibility-date-gregorian = 📅 تاریخ میلادی { $gregorian } را { $jalali } (شمسی) در نظر گرفتم.
eligibility-date-understood = 📅 تاریخ را { $jalali } در نظر گرفتم.
eligibility-yes = بله
eligibility-no = خیر
eligibility-stale = این دکمه مربوط به پرسش دیگری است؛ پرسش فعلی را دوباره آوردم.
eligibility-expired = این پرسش‌نامه دیگر باز نیست؛ از منو دوباره شروع کنید.
eligibility-text-expected = لطفاً جواب را بنویسید یا یکی از دکمه‌ها را بزنید.

eligibility-province = 📍 برای معرفی اداره بهزیستی نزدیک شما، استان محل زندگی‌تان را انتخاب کنید یا نامش را بنویسید.
eligibility-county = 📍 شهرستان محل زندگی‌تان در استان { $province } را انتخاب کنید یا نامش را بنویسید.
eligibility-region-skip = ⏭ نمی‌خواهم بگویم
eligibility-region-unknown = «{ $text }» را نشناختم. لطفاً از فهرست انتخاب کنید یا نام را دوباره بنویسید.
eligibility-region-which = منظورتان کدام است؟

eligibility-result-title = 🧾 نتیجه سنجش اولیه: { $title }
eligibility-result-sample = ⚠️ این نتیجه بر پایه معیارهای نمونه (ویرایش { $date }) است که هنوز باید سازمان بهزیستی آن‌ها را تأیید کند؛ فقط یک برآورد اولیه است و تصمیم نهایی با اداره بهزیستی شهرستان شماست.
eligibility-result-reasons = دلیل‌ها:
eligibility-result-documents = مدارکی که همراه ببرید:
eligibility-result-next = قدم بعدی:
eligibility-ask-staff = 💬 گفت‌وگو با کارشناس
eligibility-again = 🔄 سنجش دوباره
