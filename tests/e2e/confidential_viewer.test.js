// The in-app viewer of confidential chats: a PDF sent into a confidential direct chat opens page
// by page inside the watermarked view, each page a picture the server drew for the viewer, with
// no link out; Esc closes it and focus goes back to the file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { useServerAndBrowser, signedIn } from "./support/fixtures.js";
import { login, call } from "./support/api.js";

const fixture = useServerAndBrowser();

/** A valid PDF of `pages` US-letter pages, each with a grey block and its number. */
function pdf(pages) {
  const kids = Array.from({ length: pages }, (_, i) => `${4 + 2 * i} 0 R`).join(" ");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  for (let i = 0; i < pages; i++) {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`,
    );
    const content = `0.6 g 72 300 468 360 re f 0 g BT /F1 36 Tf 72 700 Td (Page ${i + 1}) Tj ET`;
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  let out = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** Zhangsan marks the direct chat with Lisi confidential and sends `bytes` there as `name`. */
async function sendConfidentialFile(name, bytes) {
  const url = fixture.server.url;
  const { token } = await login(url, "zhangsan");
  const conversations = await call(url, token, "GET", "/conversations");
  const direct = conversations.body.find((c) => c.title.includes("李四"));
  const marked = await call(url, token, "PUT", `/conversations/${direct.id}/confidential`, { enabled: true });
  assert.equal(marked.status, 200, JSON.stringify(marked.body));
  const uploaded = await call(url, token, "POST", `/attachments?client_id=${randomUUID()}&name=${name}`, bytes, "application/pdf");
  assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
  const body = { client_id: randomUUID(), text: "", attachment_id: uploaded.body.id };
  const sent = await call(url, token, "POST", `/conversations/${direct.id}/messages`, body);
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
}

test("a confidential chat's PDF opens page by page in the viewer, under the watermark, and Esc closes it", async () => {
  await sendConfidentialFile("report.pdf", pdf(2));
  const lisi = await signedIn(fixture, "lisi");
  await lisi.chats.open("张三");

  const opener = lisi.page.getByRole("button", { name: "Open PDF: report.pdf" });
  await opener.click();
  const dialog = lisi.page.getByRole("dialog", { name: "report.pdf" });
  await dialog.getByText("Page 1 of 2").waitFor();
  const picture = dialog.locator("img.file-viewer__picture");
  await picture.waitFor();
  await lisi.page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await picture.elementHandle());
  assert.equal(await picture.evaluate((img) => img.naturalWidth), 918, "612 points at 1.5×");
  assert.match(await picture.getAttribute("src"), /page=1/);
  assert.equal(await dialog.locator("a").count(), 0, "no link to download or open elsewhere");
  const last = await lisi.page.locator(".confidential-view").evaluate((view) => view.lastElementChild.className);
  assert.match(last, /watermark-overlay/, "the watermark stays the view's last child, over the viewer");

  await dialog.getByRole("button", { name: "Next page" }).click();
  await dialog.getByText("Page 2 of 2").waitFor();
  await lisi.page.waitForFunction(() => document.querySelector("img.file-viewer__picture")?.src.includes("page=2"));
  assert.equal(await dialog.getByRole("button", { name: "Next page" }).isDisabled(), true);
  // The keyboard turns pages too.
  await lisi.page.keyboard.press("ArrowLeft");
  await dialog.getByText("Page 1 of 2").waitFor();
  await lisi.page.keyboard.press("PageDown");
  await dialog.getByText("Page 2 of 2").waitFor();

  await lisi.page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await lisi.page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Open PDF: report.pdf");

  // With the network cut the viewer opens and says it needs the connection; nothing of the PDF
  // was kept to show instead.
  await lisi.context.setOffline(true);
  await opener.click();
  await dialog.getByText("This needs a connection to the server.").waitFor();
  assert.equal(await dialog.locator("img.file-viewer__picture").count(), 0);
  await lisi.page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await lisi.context.setOffline(false);
  await lisi.context.close();
});
