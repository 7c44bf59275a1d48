<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>Composer</name>
    <message>
        <source>Editing your message</source>
        <translation>Đang sửa tin nhắn của bạn</translation>
    </message>
    <message>
        <source>Replying to %1</source>
        <translation>Đang trả lời %1</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Hủy (Esc)</translation>
    </message>
    <message>
        <source>Emoji</source>
        <translation>Biểu tượng cảm xúc</translation>
    </message>
    <message>
        <source>Message %1</source>
        <translation>Nhắn tin trong %1</translation>
    </message>
    <message>
        <source>Write a message…</source>
        <translation>Viết tin nhắn…</translation>
    </message>
    <message numerus="yes">
        <source>%n character(s) over the limit</source>
        <translation>
            <numerusform>Vượt quá giới hạn %n ký tự</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n character(s) left</source>
        <translation>
            <numerusform>Còn %n ký tự</numerusform>
        </translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Gửi</translation>
    </message>
    <message>
        <source>Save (Enter)</source>
        <translation>Lưu (Enter)</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>Gửi (Enter)</translation>
    </message>
</context>
<context>
    <name>ConnectionBadge</name>
    <message>
        <source>Online</source>
        <translation>Trực tuyến</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Đang kết nối…</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s…</source>
        <translation>
            <numerusform>Kết nối lại sau %n giây…</numerusform>
        </translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Đang kết nối lại…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Mất kết nối</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message numerus="yes">
        <source>%n message(s) will be sent when the connection is back.</source>
        <translation>
            <numerusform>%n tin nhắn sẽ được gửi khi có kết nối trở lại.</numerusform>
        </translation>
    </message>
    <message>
        <source>You are offline.</source>
        <translation>Bạn đang mất kết nối.</translation>
    </message>
    <message>
        <source>Messages sent meanwhile will appear once connected.</source>
        <translation>Tin nhắn gửi trong lúc này sẽ hiện ra khi kết nối lại.</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Thử lại ngay</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>%1 — Community chat</source>
        <translation>%1 — Trò chuyện cộng đồng</translation>
    </message>
    <message>
        <source>Community chat</source>
        <translation>Trò chuyện cộng đồng</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>Reply</source>
        <translation>Trả lời</translation>
    </message>
    <message>
        <source>Deleted message</source>
        <translation>Tin nhắn đã bị xóa</translation>
    </message>
    <message>
        <source>An earlier message</source>
        <translation>Một tin nhắn trước đó</translation>
    </message>
    <message>
        <source>This message was deleted</source>
        <translation>Tin nhắn này đã bị xóa</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>đã sửa</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Sửa</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>Chưa gửi được: %1</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Gửi lại</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Bỏ</translation>
    </message>
</context>
<context>
    <name>MessagePane</name>
    <message>
        <source>Rooms</source>
        <translation>Phòng chat</translation>
    </message>
    <message>
        <source>Hide who is online</source>
        <translation>Ẩn danh sách đang trực tuyến</translation>
    </message>
    <message>
        <source>Show who is online</source>
        <translation>Xem ai đang trực tuyến</translation>
    </message>
    <message numerus="yes">
        <source>%n online</source>
        <translation>
            <numerusform>%n trực tuyến</numerusform>
        </translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>This is the beginning of %1.</source>
        <translation>Đây là tin nhắn đầu tiên của phòng %1.</translation>
    </message>
    <message>
        <source>No messages yet. Say hello!</source>
        <translation>Chưa có tin nhắn nào. Hãy gửi lời chào!</translation>
    </message>
    <message>
        <source>Newest messages</source>
        <translation>Tin nhắn mới nhất</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Trả lời</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Sao chép nội dung</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Sửa</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <source>Delete this message?</source>
        <translation>Xóa tin nhắn này?</translation>
    </message>
    <message>
        <source>Everyone in the room will see that it was deleted.</source>
        <translation>Mọi người trong phòng sẽ thấy tin nhắn này đã bị xóa.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
</context>
<context>
    <name>RoomListPane</name>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>Phòng chat</translation>
    </message>
    <message>
        <source>Loading rooms…</source>
        <translation>Đang tải danh sách phòng…</translation>
    </message>
    <message>
        <source>Waiting for the connection…</source>
        <translation>Đang chờ kết nối…</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Giao diện</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Theo hệ thống</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Sáng</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Tối</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>Chat-token address of the site</source>
        <translation>Địa chỉ lấy mã chat của trang web</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Đăng xuất</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Community chat</source>
        <translation>Trò chuyện cộng đồng</translation>
    </message>
    <message>
        <source>Create an account to join the conversation</source>
        <translation>Tạo tài khoản để tham gia trò chuyện</translation>
    </message>
    <message>
        <source>Sign in to join the conversation</source>
        <translation>Đăng nhập để tham gia trò chuyện</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Máy chủ</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Tài khoản</translation>
    </message>
    <message>
        <source>Token from the site</source>
        <translation>Mã từ trang web</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Display name (optional)</source>
        <translation>Tên hiển thị (không bắt buộc)</translation>
    </message>
    <message>
        <source>How others see you</source>
        <translation>Tên mọi người sẽ thấy</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>At least 8 characters</source>
        <translation>Ít nhất 8 ký tự</translation>
    </message>
    <message>
        <source>Create account</source>
        <translation>Tạo tài khoản</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <source>Already have an account?</source>
        <translation>Đã có tài khoản?</translation>
    </message>
    <message>
        <source>New here?</source>
        <translation>Chưa có tài khoản?</translation>
    </message>
    <message>
        <source>Create an account</source>
        <translation>Tạo tài khoản mới</translation>
    </message>
    <message>
        <source>Paste the chat token the site gave you</source>
        <translation>Dán mã chat mà trang web đã cấp cho bạn</translation>
    </message>
    <message>
        <source>Sign in with this token</source>
        <translation>Đăng nhập bằng mã này</translation>
    </message>
    <message>
        <source>or fetch it from the site</source>
        <translation>hoặc lấy mã từ trang web</translation>
    </message>
    <message>
        <source>Chat-token address of the site</source>
        <translation>Địa chỉ lấy mã chat của trang web</translation>
    </message>
    <message>
        <source>Cookie of your signed-in browser session</source>
        <translation>Cookie của phiên đăng nhập trên trình duyệt</translation>
    </message>
    <message>
        <source>Fetch the token and sign in</source>
        <translation>Lấy mã và đăng nhập</translation>
    </message>
    <message>
        <source>Light theme</source>
        <translation>Giao diện sáng</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Giao diện tối</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>Today</source>
        <translation>Hôm nay</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Hôm qua</translation>
    </message>
</context>
<context>
    <name>Toast</name>
    <message>
        <source>Dismiss</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>TypingIndicator</name>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 đang soạn tin…</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 và %2 đang soạn tin…</translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n other(s) are typing…</source>
        <translation>
            <numerusform>%1 và %n người khác đang soạn tin…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UserDelegate</name>
    <message>
        <source>you</source>
        <translation>bạn</translation>
    </message>
</context>
<context>
    <name>UserListPane</name>
    <message>
        <source>Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Trực tuyến</translation>
    </message>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>và %n người khác</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>chat::ui::Community</name>
    <message>
        <source>The connection was lost before the server answered. Try again.</source>
        <translation>Mất kết nối trước khi máy chủ kịp trả lời. Vui lòng thử lại.</translation>
    </message>
    <message>
        <source>This message is too long: at most %1 characters.</source>
        <translation>Tin nhắn quá dài: tối đa %1 ký tự.</translation>
    </message>
    <message>
        <source>You are offline. Your messages will be sent when the connection is back.</source>
        <translation>Bạn đang mất kết nối. Tin nhắn sẽ được gửi khi có kết nối trở lại.</translation>
    </message>
    <message>
        <source>You are offline. Editing and deleting need a connection.</source>
        <translation>Bạn đang mất kết nối. Cần có kết nối để sửa hoặc xóa tin nhắn.</translation>
    </message>
    <message>
        <source>The server did not answer in time. Try again.</source>
        <translation>Máy chủ không phản hồi kịp. Vui lòng thử lại.</translation>
    </message>
    <message>
        <source>You are sending messages too fast. Wait a moment, then try again.</source>
        <translation>Bạn đang gửi tin nhắn quá nhanh. Đợi một chút rồi thử lại nhé.</translation>
    </message>
    <message>
        <source>You are not allowed to do that here.</source>
        <translation>Bạn không có quyền làm việc này ở đây.</translation>
    </message>
    <message>
        <source>You are banned from this chat.</source>
        <translation>Bạn đã bị cấm tham gia trò chuyện này.</translation>
    </message>
    <message>
        <source>That message or room no longer exists.</source>
        <translation>Tin nhắn hoặc phòng này không còn tồn tại.</translation>
    </message>
    <message>
        <source>The server did not accept this request.</source>
        <translation>Máy chủ không chấp nhận yêu cầu này.</translation>
    </message>
    <message>
        <source>The server could not complete the request. Try again in a moment.</source>
        <translation>Máy chủ chưa xử lý được yêu cầu. Vui lòng thử lại sau ít phút.</translation>
    </message>
</context>
<context>
    <name>chat::ui::Session</name>
    <message>
        <source>Enter the server address, for example http://127.0.0.1:3030.</source>
        <translation>Hãy nhập địa chỉ máy chủ, ví dụ http://127.0.0.1:3030.</translation>
    </message>
    <message>
        <source>Check the username and password.</source>
        <translation>Vui lòng kiểm tra lại tên đăng nhập và mật khẩu.</translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation>Sai tên đăng nhập hoặc mật khẩu.</translation>
    </message>
    <message>
        <source>This username is already taken. Choose another one.</source>
        <translation>Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.</translation>
    </message>
    <message>
        <source>This server has no accounts of its own. Sign in with a token from the site.</source>
        <translation>Máy chủ này không có tài khoản riêng. Hãy đăng nhập bằng mã từ trang web.</translation>
    </message>
    <message>
        <source>Cannot reach %1. Check the address and your connection.</source>
        <translation>Không kết nối được tới %1. Hãy kiểm tra địa chỉ và kết nối mạng.</translation>
    </message>
    <message>
        <source>Your session has expired. Please sign in again.</source>
        <translation>Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.</translation>
    </message>
    <message>
        <source>The server did not accept this token.</source>
        <translation>Máy chủ không chấp nhận mã này.</translation>
    </message>
    <message>
        <source>The site did not give a chat token. Sign in on the site and copy its cookie again.</source>
        <translation>Trang web không cấp mã chat. Hãy đăng nhập trên trang web rồi sao chép lại cookie.</translation>
    </message>
    <message>
        <source>This account is already open in 3 places. Close one of them and try again.</source>
        <translation>Tài khoản này đang mở ở 3 nơi. Hãy đóng bớt một nơi rồi thử lại.</translation>
    </message>
    <message>
        <source>The server could not complete the request (%1). Try again in a moment.</source>
        <translation>Máy chủ chưa xử lý được yêu cầu (%1). Vui lòng thử lại sau ít phút.</translation>
    </message>
    <message>
        <source>Enter your username and password.</source>
        <translation>Hãy nhập tên đăng nhập và mật khẩu.</translation>
    </message>
    <message>
        <source>A password has at least 8 characters.</source>
        <translation>Mật khẩu cần có ít nhất 8 ký tự.</translation>
    </message>
    <message>
        <source>A display name has at most 64 characters.</source>
        <translation>Tên hiển thị dài tối đa 64 ký tự.</translation>
    </message>
    <message>
        <source>Enter the site&apos;s chat-token address, starting with https://.</source>
        <translation>Hãy nhập địa chỉ lấy mã chat của trang web, bắt đầu bằng https://.</translation>
    </message>
    <message>
        <source>The site did not recognise the cookie. Sign in on the site and copy its cookie again.</source>
        <translation>Trang web không nhận ra cookie này. Hãy đăng nhập trên trang web rồi sao chép lại cookie.</translation>
    </message>
    <message>
        <source>The site did not give a chat token (HTTP %1).</source>
        <translation>Trang web không cấp mã chat (HTTP %1).</translation>
    </message>
    <message>
        <source>A username has 3 to 32 characters: letters a-z, digits, dots, dashes or underscores.</source>
        <translation>Tên đăng nhập gồm 3 đến 32 ký tự: chữ cái không dấu (a-z), chữ số, dấu chấm, gạch ngang hoặc gạch dưới.</translation>
    </message>
</context>
</TS>
