// The entry module the shell loads: it defines <atrium-payments>.
import { defineElement } from './app/element/define-element';

await defineElement();
