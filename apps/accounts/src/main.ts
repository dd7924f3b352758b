// The entry module the shell loads: it defines <atrium-accounts>.
import { defineElement } from './app/element/define-element';

await defineElement();
