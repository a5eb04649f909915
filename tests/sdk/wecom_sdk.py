"""Drives Weft's WeCom-compatible API with a real WeCom SDK (wechatpy 1.8.18), as an existing
integration would after changing only its base URL. Run by tests/e2e/wecom_sdk.test.js with the
server's address, the workspace's corp id, the demo app's agent id and secret, and the leave
template's id; exits non-zero on the first thing that does not behave as WeCom does."""

import os
import sys
import time

from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import WeChatClientException

BASE = os.environ["WEFT_URL"].rstrip("/") + "/cgi-bin/"
CORP, SECRET = os.environ["WEFT_CORP_ID"], os.environ["WEFT_SECRET"]
AGENT, LEAVE = int(os.environ["WEFT_AGENT_ID"]), os.environ["WEFT_LEAVE_TEMPLATE"]
SDK_MESSAGE = os.environ["WEFT_SDK_MESSAGE"]


class WeftClient(WeChatClient):
    """wechatpy's enterprise client with its base URL changed (gettoken's address is fixed in
    the SDK, so it is the one method overridden)."""

    API_BASE_URL = BASE

    def fetch_access_token(self):
        return self._fetch_access_token(url=BASE + "gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret})


def refused(errcode, call, *args, **kwargs):
    """The call fails with WeCom's `errcode` (an SDK exception carrying it)."""
    try:
        call(*args, **kwargs)
    except WeChatClientException as err:
        assert int(err.errcode) == errcode, f"{call.__name__}: errcode {err.errcode} ({err.errmsg}), wanted {errcode}"
        return
    raise AssertionError(f"{call.__name__} succeeded, wanted errcode {errcode}")


def step(name):
    print(f"ok - {name}", flush=True)


client = WeftClient(CORP, SECRET)

# Tokens: a wrong secret is 40001, as WeCom answers it (the SDK then gives up).
refused(40001, WeftClient(CORP, "wrong-secret").fetch_access_token)
assert client.access_token, "an access token"
step("gettoken")

# Departments: the tree with the root as 1; create, update, delete.
tree = client.department.get()
assert any(d["id"] == 1 and d["parentid"] == 0 for d in tree), tree
engineering = next(d for d in tree if d["name"] == "研发部 Engineering")
made = client.department.create("集成测试部 SDK test", parent_id=engineering["id"])["id"]
client.department.update(made, name="集成测试部 SDK")
assert any(d["id"] == made and d["name"] == "集成测试部 SDK" for d in client.department.get(engineering["id"]))
refused(60003, client.department.delete, 99999)
step("departments")

# Members: create in the new department, read, update, list, delete; WeCom's codes for errors.
client.user.create("sdk_user", "集成用户", department=[made], mobile="13900001234", email="sdk@weft.example")
member = client.user.get("sdk_user")
assert member["name"] == "集成用户" and member["department"] == [made], member
client.user.update("sdk_user", position="测试 QA")
assert client.user.get("sdk_user")["position"] == "测试 QA"
listed = client.user.list(made)
assert [m["userid"] for m in listed] == ["sdk_user"], listed
refused(60102, client.user.create, "sdk_user", "重复", department=[made])
refused(60111, client.user.get, "ghost")
client.user.delete("sdk_user")
client.department.delete(made)
step("members")

# Application messages: unknown recipients come back in invaliduser, the rest receive it.
sent = client.message.send_text(AGENT, "zhangsan|ghost", SDK_MESSAGE)
assert sent["invaliduser"] == "ghost", sent
client.message.send_markdown(AGENT, "zhangsan", "**SDK** markdown · <font color=\"info\">ok</font>")
client.message.send_text_card(AGENT, "lisi", "报销到账", "<div class=\"gray\">2026-12-01</div>300 元", "https://erp.example.com/c/1")
refused(81013, client.message.send_text, AGENT, "ghost|phantom", "nobody")
refused(40056, client.message.send_text, AGENT + 99, "zhangsan", "wrong agent")
refused(45002, client.message.send_text, AGENT, "zhangsan", "长" * 700)
step("messages")

# App chats: create, read, change, post.
client.appchat.create(chat_id="sdkchat1", name="SDK 群", owner="lisi", user_list=["zhangsan", "lisi", "wangwu"])
info = client.appchat.get("sdkchat1")
assert info["owner"] == "lisi" and sorted(info["userlist"]) == ["lisi", "wangwu", "zhangsan"], info
client.appchat.update("sdkchat1", name="SDK 群 二期", add_user_list=["zhaoliu"], del_user_list=["wangwu"])
info = client.appchat.get("sdkchat1")
assert info["name"] == "SDK 群 二期" and sorted(info["userlist"]) == ["lisi", "zhangsan", "zhaoliu"], info
client.appchat.send_text("sdkchat1", "群消息 from the SDK")
refused(86003, client.appchat.get, "nosuchchat")
refused(86215, client.appchat.create, chat_id="sdkchat1", user_list=["zhangsan", "lisi"])
step("app chats")

# Approvals: the template in WeCom's controls, a request submitted, listed and shown.
template = client.OA.get_template_detail(LEAVE)
assert template["template_content"]["controls"], template
apply_data = {
    "contents": [
        {"control": "Selector", "id": "type", "value": {"selector": {"type": "single", "options": [{"key": "sick"}]}}},
        {"control": "DateRange", "id": "period", "value": {"date_range": {"type": "day", "new_begin": 1796054400, "new_end": 1796140800}}},
        {"control": "Textarea", "id": "note", "value": {"text": "SDK 请假"}},
    ]
}
summary = [{"summary_info": [{"text": "病假", "lang": "zh_CN"}]}]
sp_no = client.OA.apply_event("zhangsan", LEAVE, 1, [], apply_data, summary)["sp_no"]
now = int(time.time())
numbers = client.OA.get_approval_info(now - 3600, now + 3600, 0, 100)["sp_no_list"]
assert sp_no in numbers, numbers
detail = client.OA.get_approval_detail(sp_no)["info"]
assert detail["sp_status"] == 1 and detail["applyer"]["userid"] == "zhangsan", detail
refused(301025, client.OA.get_approval_detail, "not-a-number")
step("approvals")
sys.exit(0)
