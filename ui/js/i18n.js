// Every string of the app, one table per language. Korean copy uses the
// polite 해요 style throughout.

const strings = {
  ko: {
    'nav.chat': '채팅',
    'nav.quotes': '명대사',
    'nav.profile': '프로필',
    'nav.main': '주 메뉴',
    'lang.label': '언어',
    'common.loading': '불러오는 중…',
    'common.cancel': '취소',
    'common.save': '저장',
    'common.delete': '삭제',
    'common.edit': '수정',
    'common.retry': '다시 시도',
    'common.error': '문제가 생겼어요. 잠시 후 다시 시도해 주세요.',
    'common.offline': '서버에 연결할 수 없어요. 연결을 확인해 주세요.',
    'common.loadMore': '더 보기',
    'common.saved': '저장했어요.',

    'auth.signin.title': '로그인',
    'auth.signin.lead': '다시 오셨네요. 오늘은 어떤 대사를 찾아볼까요?',
    'auth.signup.title': '회원가입',
    'auth.signup.lead': '이메일로 가입하고 하루 몇 번 무료로 물어보세요.',
    'auth.email': '이메일',
    'auth.password': '비밀번호',
    'auth.passwordConfirm': '비밀번호 확인',
    'auth.nickname': '닉네임 (선택)',
    'auth.signin.submit': '로그인',
    'auth.signup.submit': '가입하기',
    'auth.toSignup': '계정이 없으신가요? 회원가입',
    'auth.toSignin': '이미 계정이 있으신가요? 로그인',
    'auth.forgot': '비밀번호를 잊으셨나요?',
    'auth.or': '또는',
    'auth.with': '{name}(으)로 계속하기',
    'auth.failed': '이메일 또는 비밀번호가 맞지 않아요.',
    'auth.forgot.title': '비밀번호 재설정',
    'auth.forgot.lead': '가입한 이메일을 입력하면 재설정 링크를 보내 드려요.',
    'auth.forgot.submit': '링크 보내기',
    'auth.forgot.sent': '계정이 있다면 {email}(으)로 메일을 보냈어요. 메일함을 확인해 주세요.',
    'auth.back': '로그인으로 돌아가기',
    'auth.oauth.working': '로그인하는 중…',
    'auth.oauth.failed': '소셜 로그인에 실패했어요. 다시 시도해 주세요.',
    'auth.sessionEnded': '로그인이 만료됐어요. 다시 로그인해 주세요.',
    'auth.passwordHint': '8자 이상',

    'v.required': '필수 항목이에요.',
    'v.email': '올바른 이메일 주소를 입력해 주세요.',
    'v.taken': '이미 사용 중이에요.',
    'v.length': '길이가 맞지 않아요.',
    'v.passwordShort': '비밀번호는 8자 이상이어야 해요.',
    'v.mismatch': '비밀번호가 서로 달라요.',
    'v.oldPassword': '현재 비밀번호가 맞지 않아요.',
    'v.number': '1 이상의 숫자를 입력해 주세요.',

    'quota.pill': '오늘 {remaining}/{limit} 남음 · {reset} 초기화',
    'quota.midnight': '자정',
    'quota.at': '{weekday} {when}({zone})',
    'quota.card.title': '오늘 남은 질문',
    'quota.loading': '남은 횟수 확인 중…',
    'limit.title': '오늘 질문을 모두 사용했어요',
    'limit.body': '하루 {limit}번까지 물어볼 수 있어요. 다음 질문은 {time}부터 가능해요.',
    'limit.countdown': '{left} 남았어요',

    'chat.title': '채팅',
    'chat.placeholder': '찾고 싶은 대사나 장면을 물어보세요',
    'chat.send': '보내기',
    'chat.inputLabel': '질문',
    'chat.hint': 'Enter로 보내고, Shift+Enter로 줄을 바꿔요.',
    'chat.count': '{n}/{max}자',
    'chat.empty.title': '무엇이든 물어보세요',
    'chat.empty.lead': '드림즈 사람들의 명대사를 찾아 드려요. 이렇게 시작해 보세요.',
    'chat.suggest.1': '백승수 단장의 명대사를 알려줘',
    'chat.suggest.2': '핑계를 대지 말라는 대사가 있었지?',
    'chat.suggest.3': '이세영 팀장이 한 멋진 말을 찾아줘',
    'chat.older': '이전 대화 불러오기',
    'chat.beginning': '대화의 시작이에요.',
    'chat.delete.ask': '이 질문과 답변을 삭제할까요?',
    'chat.delete.confirm': '삭제',
    'chat.failed': '답변을 받지 못했어요: {reason}',
    'chat.failed.short': '답변을 받지 못했어요.',
    'chat.cut': '답변이 중간에 끊겼어요: {reason}',
    'chat.pending': '답변을 작성하는 중이에요…',
    'chat.typing': '답변을 작성하는 중',
    'chat.askAgain': '다시 물어보기',
    'chat.tooLong': '{max}자까지 보낼 수 있어요.',

    'quotes.title': '명대사 게시판',
    'quotes.lead': '기억에 남는 대사를 제안해 주세요. 관리자가 확인한 뒤 모두에게 보여요.',
    'quotes.tab.approved': '승인된 명대사',
    'quotes.tab.mine': '내 제안',
    'quotes.form.title': '명대사 제안하기',
    'quotes.content': '대사',
    'quotes.speaker': '말한 사람',
    'quotes.episode': '회차',
    'quotes.submit': '제안하기',
    'quotes.submitted': '제안했어요. 검토가 끝나면 승인된 명대사에 보여요.',
    'quotes.pending': '검토 중',
    'quotes.approved': '승인됨',
    'quotes.episodeN': '{n}화',
    'quotes.empty.approved': '아직 승인된 명대사가 없어요. 첫 번째 대사를 제안해 보세요.',
    'quotes.empty.mine': '아직 제안한 대사가 없어요.',
    'quotes.delete.ask': '이 제안을 삭제할까요?',
    'quotes.readonly': '승인된 대사는 수정할 수 없어요.',

    'profile.title': '프로필',
    'profile.account': '계정',
    'profile.email': '이메일',
    'profile.nickname': '닉네임',
    'profile.password.title': '비밀번호 변경',
    'profile.oldPassword': '현재 비밀번호',
    'profile.newPassword': '새 비밀번호',
    'profile.newPasswordConfirm': '새 비밀번호 확인',
    'profile.password.submit': '비밀번호 변경',
    'profile.password.done': '비밀번호를 바꿨어요. 다른 기기에서는 다시 로그인해야 해요.',
    'profile.session.title': '로그인 관리',
    'profile.signout': '로그아웃',
    'profile.signoutAll': '모든 기기에서 로그아웃',
    'profile.signoutAll.hint': '‘모든 기기에서 로그아웃’을 누르면 이 계정으로 로그인한 모든 기기에서 로그아웃돼요.',
    'profile.danger.title': '계정 삭제',
    'profile.danger.lead': '대화 기록과 검토 중인 제안이 모두 지워져요. 되돌릴 수 없어요.',
    'profile.delete': '계정 삭제',
    'profile.delete.ask': '정말 계정을 삭제할까요? 확인하려면 아래에 “{word}”를 입력해 주세요.',
    'profile.delete.word': '삭제',
    'profile.delete.confirm': '영구 삭제',
    'profile.noEmail': '(이메일 없음)',
  },
  en: {
    'nav.chat': 'Chat',
    'nav.quotes': 'Quotes',
    'nav.profile': 'Profile',
    'nav.main': 'Main menu',
    'lang.label': 'Language',
    'common.loading': 'Loading…',
    'common.cancel': 'Cancel',
    'common.save': 'Save',
    'common.delete': 'Delete',
    'common.edit': 'Edit',
    'common.retry': 'Try again',
    'common.error': 'Something went wrong. Please try again in a moment.',
    'common.offline': 'Cannot reach the server. Check your connection.',
    'common.loadMore': 'Load more',
    'common.saved': 'Saved.',

    'auth.signin.title': 'Sign in',
    'auth.signin.lead': 'Welcome back. Which line are we looking for today?',
    'auth.signup.title': 'Create an account',
    'auth.signup.lead': 'Sign up with your email and ask a few questions a day for free.',
    'auth.email': 'Email',
    'auth.password': 'Password',
    'auth.passwordConfirm': 'Confirm password',
    'auth.nickname': 'Nickname (optional)',
    'auth.signin.submit': 'Sign in',
    'auth.signup.submit': 'Sign up',
    'auth.toSignup': 'No account yet? Sign up',
    'auth.toSignin': 'Already have an account? Sign in',
    'auth.forgot': 'Forgot your password?',
    'auth.or': 'or',
    'auth.with': 'Continue with {name}',
    'auth.failed': 'The email or password is not right.',
    'auth.forgot.title': 'Reset your password',
    'auth.forgot.lead': 'Enter the email you signed up with and we will send you a reset link.',
    'auth.forgot.submit': 'Send the link',
    'auth.forgot.sent': 'If an account exists for {email}, a reset link is on its way. Check your inbox.',
    'auth.back': 'Back to sign in',
    'auth.oauth.working': 'Signing you in…',
    'auth.oauth.failed': 'Signing in with that provider failed. Please try again.',
    'auth.sessionEnded': 'Your session ended. Please sign in again.',
    'auth.passwordHint': 'At least 8 characters',

    'v.required': 'This field is required.',
    'v.email': 'Enter a valid email address.',
    'v.taken': 'This is already in use.',
    'v.length': 'The length is not right.',
    'v.passwordShort': 'Passwords need at least 8 characters.',
    'v.mismatch': 'The passwords do not match.',
    'v.oldPassword': 'The current password is not right.',
    'v.number': 'Enter a number of 1 or more.',

    'quota.pill': '{remaining} of {limit} left today · resets at {reset}',
    'quota.midnight': 'midnight',
    'quota.at': 'on {weekday} at {when} ({zone})',
    'quota.card.title': 'Questions left today',
    'quota.loading': 'Checking your questions…',
    'limit.title': 'You have used all of today’s questions',
    'limit.body': 'You can ask {limit} questions a day. The next one is possible {time}.',
    'limit.countdown': '{left} to go',

    'chat.title': 'Chat',
    'chat.placeholder': 'Ask about a line or a scene',
    'chat.send': 'Send',
    'chat.inputLabel': 'Your question',
    'chat.hint': 'Enter sends, Shift+Enter starts a new line.',
    'chat.count': '{n}/{max} characters',
    'chat.empty.title': 'Ask anything',
    'chat.empty.lead': 'stovebot finds the lines of the Dreams’ people. Try one of these.',
    'chat.suggest.1': 'What are GM Baek Seung-su’s best lines?',
    'chat.suggest.2': 'Lines about not making excuses',
    'chat.suggest.3': 'Find something Lee Se-young said that stuck',
    'chat.older': 'Load earlier messages',
    'chat.beginning': 'This is the beginning of your chat.',
    'chat.delete.ask': 'Delete this question and its answer?',
    'chat.delete.confirm': 'Delete',
    'chat.failed': 'No answer: {reason}',
    'chat.failed.short': 'No answer came back.',
    'chat.cut': 'The answer stopped halfway: {reason}',
    'chat.pending': 'The answer is still being written…',
    'chat.typing': 'Writing an answer',
    'chat.askAgain': 'Ask again',
    'chat.tooLong': 'Messages can have up to {max} characters.',

    'quotes.title': 'Quote board',
    'quotes.lead': 'Suggest a line worth keeping. Everyone sees it once an admin approves it.',
    'quotes.tab.approved': 'Approved',
    'quotes.tab.mine': 'My requests',
    'quotes.form.title': 'Suggest a line',
    'quotes.content': 'Line',
    'quotes.speaker': 'Speaker',
    'quotes.episode': 'Episode',
    'quotes.submit': 'Suggest',
    'quotes.submitted': 'Thank you. It shows under Approved once it is reviewed.',
    'quotes.pending': 'Pending',
    'quotes.approved': 'Approved',
    'quotes.episodeN': 'Ep. {n}',
    'quotes.empty.approved': 'No approved quotes yet. Suggest the first one.',
    'quotes.empty.mine': 'You have not suggested a line yet.',
    'quotes.delete.ask': 'Delete this request?',
    'quotes.readonly': 'Approved lines cannot be edited.',

    'profile.title': 'Profile',
    'profile.account': 'Account',
    'profile.email': 'Email',
    'profile.nickname': 'Nickname',
    'profile.password.title': 'Change password',
    'profile.oldPassword': 'Current password',
    'profile.newPassword': 'New password',
    'profile.newPasswordConfirm': 'Confirm new password',
    'profile.password.submit': 'Change password',
    'profile.password.done': 'Password changed. Other devices need to sign in again.',
    'profile.session.title': 'Sessions',
    'profile.signout': 'Sign out',
    'profile.signoutAll': 'Sign out everywhere',
    'profile.signoutAll.hint': '“Sign out everywhere” ends every session of this account, on every device.',
    'profile.danger.title': 'Delete account',
    'profile.danger.lead': 'Your chats and pending requests are deleted. This cannot be undone.',
    'profile.delete': 'Delete account',
    'profile.delete.ask': 'Really delete your account? Type “{word}” below to confirm.',
    'profile.delete.word': 'delete',
    'profile.delete.confirm': 'Delete permanently',
    'profile.noEmail': '(no email)',
  },
};

const LANG_KEY = 'stovebot.lang';
const listeners = new Set();
let current = pickInitial();

function pickInitial() {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved && strings[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const base = String(l).toLowerCase().split('-')[0];
    if (strings[base]) return base;
  }
  return 'en';
}

/** The current language code, `ko` or `en`. */
export function lang() {
  return current;
}

/** The languages offered by the switch, with their own names. */
export const languages = [
  { code: 'ko', name: '한국어', short: '한' },
  { code: 'en', name: 'English', short: 'EN' },
];

/** Switches the language, remembers the choice, and tells the listeners. */
export function setLang(code) {
  if (!strings[code]) return;
  current = code;
  localStorage.setItem(LANG_KEY, code);
  document.documentElement.lang = code;
  listeners.forEach((fn) => fn(code));
}

/** Calls fn after every switch of language. */
export function onLangChange(fn) {
  listeners.add(fn);
}

/** Translates key, replacing {name} placeholders with vars. */
export function t(key, vars = {}) {
  const s = strings[current][key] ?? strings.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Formats a message time in the reader's language and zone ("Nov 25, 8:37 PM"). */
export function formatDateTime(date) {
  return new Intl.DateTimeFormat(current === 'ko' ? 'ko-KR' : 'en', {
    month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit',
  }).format(date);
}

document.documentElement.lang = current;
