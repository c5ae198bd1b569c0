/** The frame of every page the sandbox shows people (the dashboard, the API docs). */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

export function HtmlPage(props: { title: string; head?: Child; bodyAttributes?: Record<string, string>; children: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title} · AI-Market sandbox</title>
          {props.head}
        </head>
        <body {...props.bodyAttributes}>{props.children}</body>
      </html>
    </>
  );
}
