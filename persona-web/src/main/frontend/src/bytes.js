// Byte encodings shared by the client's protocol code.

export const base64url = {
  encode(bytes) {
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  },
  decode(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) {
      throw new Error('not base64url: ' + text.slice(0, 20));
    }
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  },
};
