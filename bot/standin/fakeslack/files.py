"""files.getUploadURLExternal (which takes an image's `alt_txt`, kept on the file), the
upload URL it hands out, files.completeUploadExternal (which shares the files in a channel)
and files.info."""

from __future__ import annotations

from bot.standin.fakeslack.common import JSONDict, SlackError, json_arg, new_id
from bot.standin.fakeslack.conversations import Conversations
from bot.standin.fakeslack.faults import Faults
from bot.standin.fakeslack.records import Team, UploadedFile
from bot.standin.fakeslack.transport import Handler, multipart_parts, reply

ALT_TXT_LIMIT = 1000  # Slack's: "alt_txt_too_large" beyond it


class Files(Conversations, Faults):
    """The ``files.*`` methods and the upload URL."""

    def _serve_upload(self, handler: Handler, file_id: str, raw: bytes) -> None:
        with self._changing():
            upload = self._files_by_id.get(file_id)
            team = self.teams.get(upload.team_id) if upload else None
            call, fault = self._record("upload", handler, {"file_id": file_id}, team, raw)
            answer: tuple[int, bytes] = (200, f"OK - {len(raw)}".encode())
            if fault is None:
                content_type = handler.headers.get("Content-Type") or ""
                content = raw
                if content_type.startswith("multipart/form-data"):
                    try:
                        parts = multipart_parts(raw, content_type)
                        content = parts[0][2] if parts else b""
                    except (ValueError, IndexError):
                        content = b""
                        answer = (400, b"invalid_multipart")
                if upload is None:
                    answer = (404, b"file_not_found")
                elif answer[0] == 200:
                    upload.content, upload.length, upload.uploaded = content, len(content), True
                    if upload not in self.files:
                        self.files.append(upload)
                    answer = (200, f"OK - {len(content)}".encode())
                call.status = answer[0]
        if fault is not None:
            self._answer_fault(handler, fault)
        else:
            reply(handler, answer[0], answer[1], "text/plain")

    def _files_get_upload_url(self, team: Team, body: JSONDict) -> JSONDict:
        filename = str(body.get("filename") or "")
        try:
            length = int(body.get("length") or 0)
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_arguments") from exc
        if not filename or length <= 0:
            raise SlackError("invalid_arguments", ["[ERROR] filename and length are required"])
        alt_txt = str(body.get("alt_txt") or "") or None
        if alt_txt is not None and len(alt_txt) > ALT_TXT_LIMIT:
            raise SlackError("alt_txt_too_large")
        upload = UploadedFile(new_id("F"), team.id, filename, length=length, alt_txt=alt_txt)
        self._files_by_id[upload.id] = upload
        return {"upload_url": f"{self.url}upload/{upload.id}", "file_id": upload.id}

    def _file_json(self, upload: UploadedFile) -> JSONDict:
        return {
            "id": upload.id,
            "name": upload.filename,
            "title": upload.title or upload.filename,
            "size": upload.length,
            **({"alt_txt": upload.alt_txt} if upload.alt_txt else {}),
            "channels": [upload.channel] if upload.channel else [],
            "url_private": f"{self.url}files/{upload.id}",
            "permalink": f"https://slack.example/files/{upload.id}",
        }

    def _files_complete_upload(self, team: Team, body: JSONDict) -> JSONDict:
        entries = json_arg(body, "files", None)
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments", ["[ERROR] files must be a non-empty list"])
        uploads: list[tuple[UploadedFile, JSONDict]] = []
        for entry in entries:
            upload = self._files_by_id.get(str(entry.get("id") if isinstance(entry, dict) else ""))
            if upload is None or upload.team_id != team.id:
                raise SlackError("file_not_found")
            if not upload.uploaded:
                raise SlackError("file_upload_not_complete")
            uploads.append((upload, entry))
        channel_ref = body.get("channel_id") or body.get("channels")
        channel = (
            self._resolve_channel(team, str(channel_ref).split(",")[0]) if channel_ref else None
        )
        comment = str(body.get("initial_comment") or "") or None
        thread_ts = str(body.get("thread_ts") or "") or None
        for upload, entry in uploads:
            upload.title = str(entry.get("title") or upload.filename)
            upload.channel = channel.id if channel else None
            upload.initial_comment, upload.thread_ts = comment, thread_ts
            upload.shared = channel is not None
        if channel is not None:
            message = self._store_message(
                team.id, channel.id, text=comment or "", thread_ts=thread_ts
            )
            message.files = [upload.id for upload, _ in uploads]
            for upload, _ in uploads:
                self._emit("file.shared", upload)
        return {"files": [self._file_json(upload) for upload, _ in uploads]}

    def _files_info(self, team: Team, body: JSONDict) -> JSONDict:
        upload = self._files_by_id.get(str(body.get("file") or ""))
        if upload is None or upload.team_id != team.id:
            raise SlackError("file_not_found")
        return {"file": self._file_json(upload)}
